package dev.berth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Why was that request refused? Shows the audit log of denials and writes.",
        "Each entry has time, principal, client, action, resource, decision, reason and request id.",
        "  berth audit --denied --since 1h",
        "  berth audit --request-id 3f2a9c1e0b7d4a55"})
final class AuditCommand implements Runnable {
  @Mixin DataDir data;
  @Option(names = "--denied", description = "Only denials.") boolean denied;
  @Option(names = "--request-id", paramLabel = "ID", description = "The request id from an error's detail or X-Request-Id.") String requestId;
  @Option(names = "--since", paramLabel = "WHEN", description = "A duration back (30m, 2h, 7d) or an ISO instant (2026-12-01T10:00:00Z).") String since;
  @Option(names = "--principal", paramLabel = "WHO", description = "user:NAME, token:ID or anonymous.") String principal;
  @Option(names = "--limit", defaultValue = "200", description = "At most this many entries, newest first (default 200).") int limit;
  @Option(names = "--json", description = "One JSON object per line.") boolean json;

  @Override
  public void run() {
    Instant from = null;
    if (since != null) {
      try {
        from = Instant.parse(since);
      } catch (DateTimeParseException e) {
        from = Instant.now().minus(new ServeSettings().duration("--since", since));
      }
    }
    List<Map<String, Object>> entries;
    try (AdminOps ops = data.admin()) {
      entries = ops.audit(denied, requestId, from, principal, limit);
    }
    ObjectMapper om = new ObjectMapper();
    for (Map<String, Object> e : entries) {
      if (json) {
        try {
          System.out.println(om.writeValueAsString(e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
          throw new IllegalStateException(ex);
        }
      } else {
        System.out.println(e.get("time") + "  " + e.get("requestId") + "  " + String.valueOf(e.get("decision")).toUpperCase(java.util.Locale.ROOT)
            + "  " + e.get("principal") + "  " + e.get("action") + " " + e.get("resource") + (e.get("reason") == null ? "" : "  reason=" + e.get("reason"))
            + "  client=" + e.get("client") + "  from=" + e.get("remote"));
        if (e.get("message") != null) System.out.println("    " + e.get("message"));
      }
    }
    if (entries.isEmpty()) System.err.println("no audit entries match");
  }
}
