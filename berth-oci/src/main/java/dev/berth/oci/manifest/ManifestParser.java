package dev.berth.oci.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates image manifests and indexes (OCI and Docker schema 2). Refuses schema 1
 * with an explanation, and every other defect with a message that says what is wrong and where.
 */
public final class ManifestParser {
  /** Largest manifest accepted, as distribution and most registries do. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private static final ObjectMapper JSON = JsonMapper.builder(
          JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private ManifestParser() {}

  /**
   * @param body the exact bytes received
   * @param contentType the request's Content-Type (may be null)
   */
  public static ParsedManifest parse(byte[] body, String contentType) {
    String ct = MediaType.essence(contentType);
    if (MediaType.isSchema1(ct)) {
      throw schema1();
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : "malformed JSON";
      throw invalid("the manifest is not valid JSON: " + why, "manifest_not_json");
    }
    if (root == null || !root.isObject()) {
      throw invalid("the manifest must be a JSON object", "manifest_not_object");
    }
    JsonNode sv = root.get("schemaVersion");
    if (sv != null && sv.isInt() && sv.intValue() == 1) {
      throw schema1();
    }
    if (sv == null || !sv.isInt() || sv.intValue() != 2) {
      throw invalid("\"schemaVersion\" must be 2", "schema_version");
    }
    String declared = text(root, "mediaType");
    String mediaType;
    if (declared != null) {
      if (ct != null && !ct.isEmpty() && !ct.equals(declared) && !isGeneric(ct)) {
        throw invalid("the manifest's mediaType \"" + declared + "\" does not match the Content-Type \"" + ct + "\" it was sent with", "media_type_mismatch");
      }
      mediaType = declared;
    } else if (ct != null && MediaType.MANIFESTS.contains(ct)) {
      mediaType = ct;
    } else if (root.has("manifests")) {
      mediaType = MediaType.OCI_INDEX;
    } else if (root.has("config") || root.has("layers")) {
      mediaType = MediaType.OCI_MANIFEST;
    } else {
      throw invalid("cannot tell what kind of manifest this is: no mediaType, no Content-Type of a manifest, and neither config/layers nor manifests", "media_type_unknown");
    }
    if (!MediaType.MANIFESTS.contains(mediaType)) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID,
          "manifest media type \"" + mediaType + "\" is not supported; this registry stores "
              + String.join(", ", new java.util.TreeSet<>(MediaType.MANIFESTS)),
          ErrorDetail.reason("media_type_unsupported").with("mediaType", mediaType));
    }
    String artifactType = text(root, "artifactType");
    Descriptor subject = root.has("subject") ? descriptor(root.get("subject"), "subject") : null;
    Map<String, String> annotations = annotations(root.get("annotations"), "annotations");
    if (MediaType.isIndex(mediaType)) {
      if (root.has("config") || root.has("layers")) {
        // Tolerated by some tools, but a real index has neither.
        throw invalid("an index (" + mediaType + ") has \"manifests\", not \"config\" or \"layers\"", "index_has_layers");
      }
      JsonNode ms = root.get("manifests");
      if (ms == null || !ms.isArray()) {
        throw invalid("an index must have a \"manifests\" array", "index_manifests_missing");
      }
      List<Descriptor> children = new ArrayList<>();
      for (int i = 0; i < ms.size(); i++) {
        children.add(descriptor(ms.get(i), "manifests[" + i + "]"));
      }
      return new ParsedManifest(mediaType, null, List.of(), List.copyOf(children), subject, artifactType, annotations);
    }
    if (root.has("manifests")) {
      throw invalid("an image manifest (" + mediaType + ") has \"config\" and \"layers\", not \"manifests\"", "manifest_has_manifests");
    }
    JsonNode cfg = root.get("config");
    if (cfg == null) {
      throw invalid("an image manifest must have a \"config\" descriptor", "config_missing");
    }
    Descriptor config = descriptor(cfg, "config");
    JsonNode ls = root.get("layers");
    List<Descriptor> layers = new ArrayList<>();
    if (ls != null) {
      if (!ls.isArray()) {
        throw invalid("\"layers\" must be an array", "layers_not_array");
      }
      for (int i = 0; i < ls.size(); i++) {
        layers.add(descriptor(ls.get(i), "layers[" + i + "]"));
      }
    } else if (MediaType.DOCKER_MANIFEST.equals(mediaType)) {
      throw invalid("a Docker schema 2 manifest must have a \"layers\" array", "layers_missing");
    }
    return new ParsedManifest(mediaType, config, List.copyOf(layers), List.of(), subject, artifactType, annotations);
  }

  private static boolean isGeneric(String ct) {
    return ct.equals("application/json") || ct.equals("application/octet-stream");
  }

  private static Descriptor descriptor(JsonNode n, String where) {
    if (n == null || !n.isObject()) {
      throw invalid(where + " must be a descriptor object", "descriptor_invalid");
    }
    String mt = text(n, "mediaType");
    if (mt == null || mt.isEmpty()) {
      throw invalid(where + " has no \"mediaType\"", "descriptor_media_type_missing");
    }
    String d = text(n, "digest");
    if (d == null) {
      throw invalid(where + " has no \"digest\"", "descriptor_digest_missing");
    }
    Digest digest;
    try {
      digest = Digest.parse(d);
    } catch (RegistryException e) {
      throw invalid(where + ": " + e.getMessage(), "descriptor_digest_invalid");
    }
    JsonNode size = n.get("size");
    if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
      throw invalid(where + " must have a non-negative integer \"size\"", "descriptor_size_invalid");
    }
    Descriptor.Platform platform = null;
    JsonNode p = n.get("platform");
    if (p != null && p.isObject()) {
      platform = new Descriptor.Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
    }
    return new Descriptor(mt, digest, size.longValue(), text(n, "artifactType"), annotations(n.get("annotations"), where + ".annotations"), platform);
  }

  private static Map<String, String> annotations(JsonNode n, String where) {
    if (n == null || n.isNull()) return Map.of();
    if (!n.isObject()) throw invalid(where + " must be an object of strings", "annotations_invalid");
    Map<String, String> m = new LinkedHashMap<>();
    var it = n.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().isTextual()) throw invalid(where + "." + e.getKey() + " must be a string", "annotations_invalid");
      m.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(m);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw invalid("\"" + field + "\" must be a string", "field_not_string");
    return v.textValue();
  }

  private static RegistryException invalid(String message, String reason) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, "manifest invalid: " + message, ErrorDetail.reason(reason));
  }

  private static RegistryException schema1() {
    return new RegistryException(ErrorCode.MANIFEST_INVALID,
        "Docker image manifest schema 1 is obsolete and not accepted: push with a client that writes schema 2 or OCI manifests "
            + "(Docker 1.10+ engine, podman, skopeo, buildah, Jib); schema 1 is produced by Docker engines older than 1.10 "
            + "and by 'docker push' to registries that disabled schema 2",
        ErrorDetail.reason("schema1_obsolete").with("mediaType", MediaType.DOCKER_SCHEMA1_SIGNED)
            .remedy("upgrade the pushing client, or convert with: skopeo copy --format v2s2 SRC DST"));
  }
}
