package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The suite's HTTP layer answers the two challenges registries send (Basic, and the Docker token
 * flow), so that the remote target works against registries with authentication. Checked against
 * a tiny JDK HttpServer that plays registry and token service.
 */
class WireAuthTest {
  HttpServer server;
  URI base;
  final List<String> tokenRequests = new CopyOnWriteArrayList<>();
  static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    server.createContext("/token", ex -> {
      tokenRequests.add(ex.getRequestURI().getRawQuery());
      if (!BASIC.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "{}");
        return;
      }
      send(ex, 200, "{\"token\":\"tok-" + tokenRequests.size() + "\"}");
    });
    server.createContext("/v2/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer tok-")) {
        ex.getResponseHeaders().add("WWW-Authenticate",
            "Bearer realm=\"" + base + "/token\",service=\"test\",scope=\"repository:a/b:pull,push\"");
        send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
        return;
      }
      send(ex, 200, "{}");
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void answersABearerChallengeWithATokenFetchedWithBasicCredentialsAndReusesIt() {
    Wire wire = Wire.of(Target.builder("auth-test", base).credentials(new Credentials("ci", "s3cret")).build());
    Response r = wire.get("/v2/a/b/tags/list");
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(tokenRequests).containsExactly("service=test&scope=repository%3Aa%2Fb%3Apull%2Cpush");
    assertThat(wire.get("/v2/a/b/manifests/x").status()).isEqualTo(200);
    assertThat(tokenRequests).as("the token is reused for the same repository").hasSize(1);
  }

  @Test
  void anonymousCallsSeeTheChallenge() {
    Wire wire = Wire.of(Target.builder("auth-test-anon", base).credentials(new Credentials("ci", "s3cret")).build());
    Response r = wire.call("GET", "/v2/").anonymous().send();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headerOrNull("WWW-Authenticate")).startsWith("Bearer realm=");
    assertThat(tokenRequests).isEmpty();
  }
}
