package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @TempDir Path data;

  static HttpClient trusting(Path cert) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ts.setCertificateEntry("berth", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void selfSignedCertificateIsMadeOnceAndServesHttps() throws Exception {
    ServerConfig cfg = ServerConfig.defaults(data).withListen("127.0.0.1", 0).withTls(new ServerConfig.Tls(null, null, true));
    byte[] first;
    try (BerthServer s = BerthServer.start(cfg)) {
      assertThat(s.baseUri().getScheme()).isEqualTo("https");
      Path cert = Tls.selfSignedCert(data);
      first = Files.readAllBytes(cert);
      var r = trusting(cert).send(HttpRequest.newBuilder(s.baseUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(s.baseUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
    try (BerthServer s = BerthServer.start(cfg)) {
      assertThat(Files.readAllBytes(Tls.selfSignedCert(data))).isEqualTo(first);
    }
  }

  @Test
  void userPemFilesAreServed() throws Exception {
    Path cert = data.resolve("my.crt");
    Path key = data.resolve("my.key");
    Tls.generateSelfSigned(cert, key, "127.0.0.1");
    try (BerthServer s = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withTls(new ServerConfig.Tls(cert, key, false)))) {
      var r = trusting(cert).send(HttpRequest.newBuilder(s.baseUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }
}
