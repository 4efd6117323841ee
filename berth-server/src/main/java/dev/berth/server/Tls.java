package dev.berth.server;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** TLS for {@code berth serve}: PEM files given by the user, or a self-signed certificate made once. */
public final class Tls {
  private Tls() {}

  /** Where the self-signed certificate of a data directory lives. */
  public static Path selfSignedCert(Path dataDir) {
    return dataDir.resolve("tls/self-signed.crt");
  }

  static SslContextFactory.Server contextFactory(ServerConfig config) throws Exception {
    Path cert;
    Path key;
    if (config.tls().selfSigned()) {
      cert = selfSignedCert(config.dataDir());
      key = config.dataDir().resolve("tls/self-signed.key");
      if (!Files.exists(cert) || !Files.exists(key)) {
        generateSelfSigned(cert, key, config.host());
      }
    } else {
      cert = config.tls().cert();
      key = config.tls().key();
      if (key == null) throw new IllegalArgumentException("--tls-cert needs --tls-key (the PEM private key of the certificate)");
    }
    List<X509Certificate> chain = readCertificates(cert);
    PrivateKey pk = readKey(key);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("berth", pk, new char[0], chain.toArray(new Certificate[0]));
    SslContextFactory.Server f = new SslContextFactory.Server();
    f.setKeyStore(ks);
    f.setKeyStorePassword("");
    f.setKeyManagerPassword("");
    f.setSniRequired(false);
    return f;
  }

  static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(file + ": not a valid certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    return out;
  }

  static PrivateKey readKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return kp.getPublicKeyInfo() != null ? conv.getKeyPair(kp).getPrivate() : conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) return conv.getPrivateKey(info);
      throw new IOException(file + " holds no unencrypted PEM private key (PKCS#8, RSA or EC)");
    }
  }

  static void generateSelfSigned(Path cert, Path key, String host) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    if (host != null && !host.isBlank() && !host.equals("0.0.0.0")) names.add(host);
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (IOException ignored) {
      // no host name: the others still work
    }
    List<GeneralName> san = new ArrayList<>();
    for (String n : names) {
      san.add(n.matches("^[0-9.]+$") || n.contains(":") ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=berth self-signed");
    var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(825))), subject, kp.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate c = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Files.createDirectories(key.getParent());
    Files.deleteIfExists(key);
    Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(key))) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null));
    }
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(cert))) {
      w.writeObject(c);
    }
  }
}
