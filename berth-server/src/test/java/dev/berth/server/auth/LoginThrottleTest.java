package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated failed logins from one address are slowed down with TOOMANYREQUESTS and a time to retry. */
class LoginThrottleTest {
  @TempDir Path data;

  @Test
  void repeatedFailuresAreAnsweredWithTooManyRequestsAndWhenToRetry() throws Exception {
    try (BerthServer server = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("right-password")))) {
      HttpClient http = HttpClient.newHttpClient();
      String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
      String right = "Basic " + Base64.getEncoder().encodeToString("admin:right-password".getBytes(StandardCharsets.UTF_8));
      HttpRequest bad = HttpRequest.newBuilder(server.baseUri().resolve("/v2/")).header("Authorization", wrong).build();
      for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
        assertThat(http.send(bad, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      }
      var throttled = http.send(bad, HttpResponse.BodyHandlers.ofString());
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
      assertThat(throttled.body()).contains("TOOMANYREQUESTS").contains("too many failed logins from 127.0.0.1").contains("retry in");
      Thread.sleep(1100 * Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()));
      var ok = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v2/")).header("Authorization", right).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }
}
