package dev.berth.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/** Sets {@code User-Agent: berth/<version> (java <v>; <os>)} on every request. */
public final class UserAgentTransport implements Transport {
  private final Transport next;
  private final String userAgent;

  public UserAgentTransport(Transport next, String userAgent) {
    this.next = next;
    this.userAgent = userAgent;
  }

  public static String userAgent(String berthVersion) {
    return "berth/" + berthVersion + " (java " + Runtime.version().feature() + "; "
        + System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.arch", "unknown") + ")";
  }

  @Override
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    return next.send(HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase("User-Agent"))
        .header("User-Agent", userAgent).build());
  }
}
