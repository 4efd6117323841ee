package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bearer token can be wrong is refused, each with its own reason. */
class TokenSignerTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static ECKey key() throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
  }

  static TokenSigner signer(ECKey k, String service, Instant now) throws Exception {
    return new TokenSigner(k, service, Clock.fixed(now, ZoneOffset.UTC));
  }

  static String reason(TokenSigner s, String token) {
    try {
      s.verify(token);
      return "accepted";
    } catch (TokenSigner.InvalidToken e) {
      return e.reason();
    }
  }

  @Test
  void roundTripKeepsSubjectAndAccess() throws Exception {
    TokenSigner s = signer(key(), "berth", NOW);
    String t = s.issue("user:ci-bot", List.of(new TokenSigner.Access("repository", "hoge/fuga", Set.of("pull", "push"))), Duration.ofMinutes(5));
    TokenSigner.Verified v = s.verify(t);
    assertThat(v.subject()).isEqualTo("user:ci-bot");
    assertThat(v.refresh()).isFalse();
    assertThat(v.access()).singleElement().satisfies(a -> {
      assertThat(a.name()).isEqualTo("hoge/fuga");
      assertThat(a.actions()).containsExactlyInAnyOrder("pull", "push");
    });
  }

  @Test
  void expiredAndNotYetValidAreRefusedOutsideTheLeeway() throws Exception {
    ECKey k = key();
    String t = signer(k, "berth", NOW).issue("user:a", List.of(), Duration.ofMinutes(5));
    assertThat(reason(signer(k, "berth", NOW.plus(Duration.ofMinutes(5)).plusSeconds(20)), t)).isEqualTo("accepted"); // leeway
    assertThat(reason(signer(k, "berth", NOW.plus(Duration.ofMinutes(6))), t)).isEqualTo("token_expired");
    assertThat(reason(signer(k, "berth", NOW.minusSeconds(20)), t)).isEqualTo("accepted"); // small clock skew
    assertThat(reason(signer(k, "berth", NOW.minus(Duration.ofMinutes(2))), t)).isEqualTo("token_not_yet_valid");
  }

  @Test
  void aTokenSeenBeforeIsStillRefusedOnceItExpired() throws Exception {
    ECKey k = key();
    String t = signer(k, "berth", NOW).issue("user:a", List.of(), Duration.ofMinutes(5));
    Instant[] now = {NOW};
    TokenSigner s = new TokenSigner(k, "berth", new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId z) { return this; }
      @Override public Instant instant() { return now[0]; }
    });
    assertThat(reason(s, t)).isEqualTo("accepted");
    assertThat(reason(s, t)).isEqualTo("accepted"); // from the cache of verified tokens
    now[0] = NOW.plus(Duration.ofMinutes(6));
    assertThat(reason(s, t)).isEqualTo("token_expired");
    // a tampered copy is never taken for the cached one
    now[0] = NOW;
    assertThat(reason(s, t.substring(0, t.length() - 2) + (t.endsWith("AA") ? "BB" : "AA"))).isEqualTo("token_signature");
  }

  @Test
  void wrongKeyWrongAudienceAndTamperingAreRefused() throws Exception {
    ECKey k = key();
    TokenSigner s = signer(k, "berth", NOW);
    String other = signer(key(), "berth", NOW).issue("user:a", List.of(), Duration.ofMinutes(5));
    assertThat(reason(s, other)).isEqualTo("token_signature");
    String otherService = signer(k, "another-registry", NOW).issue("user:a", List.of(), Duration.ofMinutes(5));
    assertThat(reason(s, otherService)).isEqualTo("token_audience");
    String good = s.issue("user:a", List.of(new TokenSigner.Access("repository", "x", Set.of("pull"))), Duration.ofMinutes(5));
    String[] parts = good.split("\\.");
    String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("\"pull\"", "\"push\"");
    String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes()) + "." + parts[2];
    assertThat(reason(s, tampered)).isEqualTo("token_signature");
    assertThat(reason(s, "not-a-jwt")).isEqualTo("token_malformed");
  }

  @Test
  void algorithmConfusionIsRefused() throws Exception {
    ECKey k = key();
    TokenSigner s = signer(k, "berth", NOW);
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("berth").subject("user:admin").audience("berth")
        .expirationTime(Date.from(NOW.plusSeconds(300))).build();
    // HS256 keyed with the public key's bytes: the classic confusion attack
    SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    byte[] secret = k.toPublicJWK().toJSONString().getBytes();
    hs.sign(new MACSigner(java.util.Arrays.copyOf(secret, Math.max(32, secret.length))));
    assertThat(reason(s, hs.serialize())).isEqualTo("token_algorithm");
    String none = new PlainJWT(new PlainHeader(), claims).serialize();
    assertThat(reason(s, none)).isEqualTo("token_malformed");
    assertThatThrownBy(() -> s.verify(hs.serialize())).hasMessageContaining("accepts only ES256");
  }

  @Test
  void keyIsGeneratedOnceAndKeptPrivate(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("keys/token-signing.jwk");
    ECKey a = TokenSigner.loadOrCreateKey(f);
    ECKey b = TokenSigner.loadOrCreateKey(f);
    assertThat(a.getKeyID()).isEqualTo(b.getKeyID());
    assertThat(java.nio.file.Files.getPosixFilePermissions(f)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
  }
}
