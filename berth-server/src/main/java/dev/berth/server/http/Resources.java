package dev.berth.server.http;

import dev.berth.server.auth.AccessControl;

/** The resource handlers a {@link RegistryHandler} dispatches to. */
public record Resources(
    AccessControl access,
    BlobResource blobs,
    UploadResource uploads,
    ManifestResource manifests,
    ListingResource listings,
    TokenResource tokens,
    AdminResource admin,
    dev.berth.server.auth.MinimumClients minimumClients) {}
