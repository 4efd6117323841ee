package dev.berth.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders for the JSON documents the suite pushes (manifests, indexes, configs). */
public final class Docs {
  private Docs() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** What the suite accepts when it pulls a manifest: every type it pushes. */
  public static final String ACCEPT_ALL_MANIFESTS = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  public static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode d = F.objectNode();
    d.put("mediaType", mediaType);
    d.put("digest", digest);
    d.put("size", size);
    return d;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return Response.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A small, unique image config (unique so that every test's manifests have their own digests). */
  public static Blob config(String mediaType, Blob... layers) {
    ObjectNode c = F.objectNode();
    c.put("architecture", "amd64");
    c.put("os", "linux");
    c.putObject("config").putObject("Labels").put("dev.berth.conformance.id", UUID.randomUUID().toString());
    ObjectNode rootfs = c.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    for (Blob l : layers) ids.add(l.digest());
    return Blob.of(mediaType, bytes(c));
  }

  /** An OCI image manifest; {@code extra} fields (artifactType, subject, annotations) are added last. */
  public static Manifest ociImage(Blob config, List<Blob> layers, Map<String, JsonNode> extra) {
    ObjectNode m = F.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", OCI_MANIFEST);
    if (extra.containsKey("artifactType")) m.set("artifactType", extra.get("artifactType"));
    m.set("config", config.descriptor());
    ArrayNode ls = m.putArray("layers");
    for (Blob l : layers) ls.add(l.descriptor());
    extra.forEach((k, v) -> {
      if (!k.equals("artifactType")) m.set(k, v);
    });
    return Manifest.of(OCI_MANIFEST, bytes(m));
  }

  public static Manifest ociImage(Blob config, List<Blob> layers) {
    return ociImage(config, layers, Map.of());
  }

  /** An OCI image index over {@code children}, each given a linux platform. */
  public static Manifest ociIndex(List<Manifest> children, Map<String, JsonNode> extra) {
    ObjectNode m = F.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", OCI_INDEX);
    ArrayNode ms = m.putArray("manifests");
    String[] arches = {"amd64", "arm64", "s390x", "ppc64le"};
    for (int i = 0; i < children.size(); i++) {
      ObjectNode d = children.get(i).descriptor();
      ObjectNode p = d.putObject("platform");
      p.put("architecture", arches[i % arches.length]);
      p.put("os", "linux");
      ms.add(d);
    }
    extra.forEach(m::set);
    return Manifest.of(OCI_INDEX, bytes(m));
  }

  public static Manifest dockerImage(Blob config, List<Blob> layers) {
    ObjectNode m = F.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", DOCKER_MANIFEST);
    m.set("config", config.as(DOCKER_CONFIG).descriptor());
    ArrayNode ls = m.putArray("layers");
    for (Blob l : layers) ls.add(l.as(DOCKER_LAYER).descriptor());
    return Manifest.of(DOCKER_MANIFEST, bytes(m));
  }

  public static Manifest dockerList(List<Manifest> children) {
    ObjectNode m = F.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", DOCKER_LIST);
    ArrayNode ms = m.putArray("manifests");
    String[] arches = {"amd64", "arm64", "s390x", "ppc64le"};
    for (int i = 0; i < children.size(); i++) {
      ObjectNode d = children.get(i).descriptor();
      ObjectNode p = d.putObject("platform");
      p.put("architecture", arches[i % arches.length]);
      p.put("os", "linux");
      ms.add(d);
    }
    return Manifest.of(DOCKER_LIST, bytes(m));
  }

  public static JsonNode text(String s) {
    return F.textNode(s);
  }

  public static ObjectNode annotations(Map<String, String> kv) {
    ObjectNode a = F.objectNode();
    kv.forEach(a::put);
    return a;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
