package dev.berth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.error.ClientException;

/** The JSON lines the client commands print with --json. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String error(ClientException e) {
    ObjectNode n = object();
    ObjectNode err = n.putObject("error");
    err.put("category", e.category().name().toLowerCase(java.util.Locale.ROOT));
    err.put("exitCode", e.category().exitCode());
    err.put("what", e.what());
    if (e.why() != null) err.put("why", e.why());
    if (e.registryCode() != null) err.put("code", e.registryCode());
    if (e.status() > 0) err.put("status", e.status());
    if (e.requestId() != null) err.put("requestId", e.requestId());
    if (e.remedy() != null) err.put("remedy", e.remedy());
    return n.toString();
  }
}
