package dev.berth.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Signs and verifies the registry's JWTs (ES256) with a key generated on first start and kept in
 * the data directory. Access tokens carry the Docker token spec's {@code access} claim; refresh
 * tokens ({@code typ} "refresh") carry only the subject.
 */
public final class TokenSigner {
  public static final String ISSUER = "berth";
  static final Duration LEEWAY = Duration.ofSeconds(30);

  private final ECKey key;
  private final ECDSASigner signer;
  private final ECDSAVerifier verifier;
  private final String service;
  private final Clock clock;

  /** One entry of the {@code access} claim. */
  public record Access(String type, String name, Set<String> actions) {}

  /** A verified token. */
  public record Verified(String subject, boolean refresh, List<Access> access, Instant expires, Instant issued) {}

  /** Why a token was refused, as a sentence. */
  public static final class InvalidToken extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    InvalidToken(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  public TokenSigner(ECKey key, String service, Clock clock) throws JOSEException {
    this.key = key;
    this.signer = new ECDSASigner(key);
    this.verifier = new ECDSAVerifier(key.toPublicJWK());
    this.service = service;
    this.clock = clock;
  }

  /** Loads the signing key from {@code file}, generating it (mode 0600) when absent. */
  public static ECKey loadOrCreateKey(Path file) throws IOException {
    if (Files.exists(file)) {
      try {
        return ECKey.parse(Files.readString(file));
      } catch (ParseException e) {
        throw new IOException("token signing key " + file + " is not a valid EC JWK: " + e.getMessage()
            + "; move it away to have a new one generated (tokens issued with it stop working)", e);
      }
    }
    try {
      ECKey k = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, k.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return k;
    } catch (JOSEException e) {
      throw new IOException("cannot generate the token signing key", e);
    }
  }

  public String service() {
    return service;
  }

  public String issue(String subject, List<Access> access, Duration ttl) {
    Instant now = clock.instant();
    List<Map<String, Object>> claim = new ArrayList<>();
    for (Access a : access) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", a.type());
      m.put("name", a.name());
      m.put("actions", new ArrayList<>(a.actions()));
      claim.add(m);
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER).subject(subject).audience(service)
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString()).claim("access", claim).build();
    return sign(claims, JOSEObjectType.JWT);
  }

  public String issueRefresh(String subject, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER).subject(subject).audience(service)
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString()).claim("typ", "refresh").build();
    return sign(claims, new JOSEObjectType("refresh+jwt"));
  }

  private String sign(JWTClaimsSet claims, JOSEObjectType type) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(type).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /** Tokens whose signature, issuer and audience were checked, by their exact text. */
  private final java.util.LinkedHashMap<String, Verified> verified = new java.util.LinkedHashMap<>(256, 0.75f, true);
  private final java.util.concurrent.locks.ReentrantLock verifiedLock = new java.util.concurrent.locks.ReentrantLock();
  /** Verified tokens kept: a client reuses one token for every request of a pull or push. */
  static final int VERIFIED_CACHE = 4096;

  /**
   * Verifies signature, algorithm, issuer, audience, and time (with a small leeway). A token
   * seen before skips the signature check (ES256 verification is ~0.1–0.7 ms of CPU, more than
   * serving a manifest): its text is what was signed, so the same text verifies the same way;
   * its time is checked again on every use.
   */
  public Verified verify(String token) throws InvalidToken {
    Verified known;
    verifiedLock.lock();
    try {
      known = verified.get(token);
    } finally {
      verifiedLock.unlock();
    }
    if (known != null) {
      checkExpiry(known.expires());
      return known;
    }
    Verified v = verifyFully(token);
    verifiedLock.lock();
    try {
      verified.put(token, v);
      if (verified.size() > VERIFIED_CACHE) verified.pollFirstEntry();
    } finally {
      verifiedLock.unlock();
    }
    return v;
  }

  private void checkExpiry(Instant expires) throws InvalidToken {
    if (clock.instant().minus(LEEWAY).isAfter(expires)) {
      throw new InvalidToken("token_expired", "the bearer token expired at " + expires
          + "; clients fetch a new one from the token service by themselves — if this one was pasted by hand, get a fresh one");
    }
  }

  private Verified verifyFully(String token) throws InvalidToken {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidToken("token_malformed", "the bearer token is not a signed JWT");
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidToken("token_algorithm", "the bearer token uses algorithm " + jwt.getHeader().getAlgorithm() + "; this registry signs and accepts only ES256");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidToken("token_signature", "the bearer token's signature does not verify with this registry's key: it was issued by another registry, altered, or signed before the key was replaced");
      }
    } catch (JOSEException e) {
      throw new InvalidToken("token_signature", "the bearer token's signature cannot be verified: " + e.getMessage());
    }
    JWTClaimsSet c;
    try {
      c = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidToken("token_malformed", "the bearer token's claims are not valid JSON");
    }
    Instant now = clock.instant();
    if (!ISSUER.equals(c.getIssuer())) {
      throw new InvalidToken("token_issuer", "the bearer token was issued by \"" + c.getIssuer() + "\", not by this registry");
    }
    if (c.getAudience() == null || !c.getAudience().contains(service)) {
      throw new InvalidToken("token_audience", "the bearer token is for service " + c.getAudience() + ", not \"" + service + "\"");
    }
    if (c.getExpirationTime() == null) {
      throw new InvalidToken("token_expired", "the bearer token has no expiry time; this registry accepts only tokens that expire");
    }
    checkExpiry(c.getExpirationTime().toInstant());
    if (c.getNotBeforeTime() != null && now.plus(LEEWAY).isBefore(c.getNotBeforeTime().toInstant())) {
      throw new InvalidToken("token_not_yet_valid", "the bearer token is not valid before " + c.getNotBeforeTime().toInstant()
          + "; the clocks of the client's token source and this registry disagree");
    }
    if (c.getSubject() == null) {
      throw new InvalidToken("token_malformed", "the bearer token has no subject");
    }
    boolean refresh = "refresh".equals(c.getClaim("typ"));
    List<Access> access = new ArrayList<>();
    Object claim = c.getClaim("access");
    if (claim instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("type") instanceof String t && m.get("name") instanceof String n) {
          Set<String> actions = new LinkedHashSet<>();
          if (m.get("actions") instanceof List<?> as) for (Object a : as) if (a instanceof String s) actions.add(s);
          access.add(new Access(t, n, actions));
        }
      }
    }
    return new Verified(c.getSubject(), refresh, access, c.getExpirationTime().toInstant(),
        c.getIssueTime() == null ? null : c.getIssueTime().toInstant());
  }
}
