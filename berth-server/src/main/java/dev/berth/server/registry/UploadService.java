package dev.berth.server.registry;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.meta.UploadRecord;
import dev.berth.storage.ObjectWriter;
import dev.berth.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upload sessions: server-chosen ids, chunks appended at checked offsets, the digest computed
 * while the bytes stream in (one pass, no re-read on commit), verification of digest before the
 * atomic move that makes the blob exist, and expiry of abandoned sessions.
 *
 * <p>The running hash of a session lives in memory. When it is missing (after a restart, or when
 * the session moved to another replica) it is rebuilt from the stored bytes, so sessions survive
 * both. Bytes that arrived before a dropped connection are kept and acknowledged by the session's
 * {@code Range}, so a client resumes where it stopped.
 */
public final class UploadService {
  private static final Logger LOG = LoggerFactory.getLogger(UploadService.class);
  /** Session ids. DRBG, seeded once: the default NativePRNG reads /dev/urandom under a lock on every call. */
  private static final SecureRandom RANDOM = drbg();

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  private final MetadataStore meta;
  private final BlobStore blobs;
  private final StorageDriver driver;
  private final Clock clock;
  private final Map<String, HashState> hashes = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public UploadService(MetadataStore meta, BlobStore blobs, Clock clock) {
    this.meta = meta;
    this.blobs = blobs;
    this.driver = blobs.driver();
    this.clock = clock;
  }

  private static final class HashState {
    final MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    long offset;
  }

  /** Starts a session. */
  public UploadRecord start(RepositoryName repo) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    Instant now = clock.instant();
    UploadRecord u = new UploadRecord(HexFormat.of().formatHex(id), repo, 0, now, now);
    meta.createUpload(u);
    hashes.put(u.id(), new HashState());
    return u;
  }

  /** The session, checked to belong to {@code repo}. */
  public UploadRecord get(RepositoryName repo, String id) {
    if (id == null || id.isEmpty() || id.length() > 64 || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw unknown(repo, id);
    }
    UploadRecord u = meta.upload(id).orElseThrow(() -> unknown(repo, id));
    if (!u.repository().equals(repo)) {
      throw unknown(repo, id);
    }
    return u;
  }

  private static RegistryException unknown(RepositoryName repo, String id) {
    return new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
        "upload session " + (id == null ? "" : id.length() > 70 ? id.substring(0, 70) + "…" : id) + " is not known in repository " + repo
            + ": it was finished, cancelled, expired, or never started here; start a new upload with POST /v2/" + repo + "/blobs/uploads/",
        ErrorDetail.reason("upload_unknown").with("repository", repo.value()));
  }

  /**
   * Appends the request body to the session. {@code start}, when the client sent a Content-Range,
   * must equal the bytes stored so far; otherwise 416 with the current Range.
   */
  public UploadRecord append(UploadRecord u, RequestBody body, Long start) throws IOException {
    ReentrantLock lock = locks.computeIfAbsent(u.id(), k -> new ReentrantLock());
    lock.lock();
    try {
      u = meta.upload(u.id()).orElseThrow(() -> unknown(null, null));
      if (start != null && start != u.size()) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
            "chunk starts at byte " + start + " but the upload has " + u.size() + " bytes; send the chunk that starts at " + u.size()
                + " (the Range header has what was received)",
            ErrorDetail.reason("chunk_out_of_order").with("expectedStart", u.size()).with("start", start), 416, null)
            .withHeader("Range", range(u.size()))
            .withHeader("Location", location(u))
            .withHeader("Docker-Upload-UUID", u.id());
      }
      HashState hs = hashState(u);
      IOException failure = null;
      long before = u.size();
      try (ObjectWriter w = driver.writer(BlobStore.uploadPath(u.id()), before)) {
        try {
          hs.offset += UploadPipeline.transfer(body, hs.md, w);
        } catch (UploadPipeline.Failed e) {
          hs.offset += e.hashed;
          failure = e.io(); // keep what arrived: the client resumes from the acknowledged Range
        } catch (IOException e) {
          hs.offset = -1; // how much was hashed is unknown: rehash on the next append
          failure = e;
        } catch (RuntimeException | Error e) {
          hashes.remove(u.id());
          throw e;
        }
        if (hs.offset != w.size()) {
          hashes.remove(u.id());
        }
        w.commit();
        long now = w.size();
        if (!meta.advanceUpload(u.id(), before, now, clock.instant())) {
          hashes.remove(u.id());
          throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
              "upload session " + u.id() + " was changed by another request at the same time; check its Range with GET and resume",
              ErrorDetail.reason("upload_concurrent_write"), 416, null);
        }
        u = new UploadRecord(u.id(), u.repository(), now, u.started(), clock.instant());
      }
      if (failure != null) {
        throw failure;
      }
      return u;
    } finally {
      lock.unlock();
    }
  }

  private HashState hashState(UploadRecord u) throws IOException {
    HashState hs = hashes.get(u.id());
    if (hs != null && hs.offset == u.size()) {
      return hs;
    }
    hs = new HashState();
    if (u.size() > 0) {
      rehash(u.id(), u.size(), hs.md);
    }
    hs.offset = u.size();
    hashes.put(u.id(), hs);
    return hs;
  }

  private void rehash(String id, long size, MessageDigest md) throws IOException {
    try (InputStream in = driver.read(BlobStore.uploadPath(id), 0)) {
      byte[] buf = new byte[1 << 20];
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) throw new IOException("upload " + id + " has fewer bytes stored than recorded");
        md.update(buf, 0, n);
        left -= n;
      }
    }
  }

  /**
   * Finishes a session: verifies that the content has {@code expected} as digest, then makes the
   * blob exist (atomic move) and links it in the repository.
   */
  public long finish(UploadRecord u, Digest expected) throws IOException {
    ReentrantLock lock = locks.computeIfAbsent(u.id(), k -> new ReentrantLock());
    lock.lock();
    try {
      u = meta.upload(u.id()).orElseThrow(() -> unknown(null, null));
      Digest actual;
      if (Digest.SHA256.equals(expected.algorithm())) {
        HashState hs = hashState(u);
        try {
          actual = Digest.fromMessageDigest(Digest.SHA256, (MessageDigest) hs.md.clone());
        } catch (CloneNotSupportedException e) {
          throw new IllegalStateException(e);
        }
      } else {
        MessageDigest md = Digest.newMessageDigest(expected.algorithm());
        if (u.size() > 0) rehash(u.id(), u.size(), md);
        actual = Digest.fromMessageDigest(expected.algorithm(), md);
      }
      if (!actual.equals(expected)) {
        cancel(u);
        throw digestMismatch(u.size(), actual, expected);
      }
      if (u.size() == 0) {
        // An empty upload session has no data object; write an empty one to commit.
        try (ObjectWriter w = driver.writer(BlobStore.uploadPath(u.id()), 0)) {
          w.commit();
        }
      }
      blobs.commitUpload(u.id(), expected);
      meta.blobPushed(u.repository(), expected, u.size(), u.id());
      hashes.remove(u.id());
      return u.size();
    } finally {
      lock.unlock();
      locks.remove(u.id());
    }
  }

  /**
   * A whole blob in one request body: POST {@code ?digest=} ({@code u} null, no session at all),
   * or PUT {@code ?digest=} with the body on a session that holds nothing yet. The bytes are
   * hashed while the driver's atomic writer puts them straight at the blob's own path, which
   * becomes visible only if the digest matches: no upload data file, no move, and three fsyncs
   * for a new blob instead of six. A session that already holds bytes, or a body that says it
   * starts elsewhere than at 0 ({@code start}, from Content-Range), is appended (with the usual
   * offset check) and finished as usual.
   */
  public long store(RepositoryName repo, UploadRecord u, RequestBody body, Long start, Digest expected) throws IOException {
    if (u == null) return storeDirect(repo, null, body, expected);
    ReentrantLock lock = locks.computeIfAbsent(u.id(), k -> new ReentrantLock());
    lock.lock();
    try {
      UploadRecord current = meta.upload(u.id()).orElseThrow(() -> unknown(repo, u.id()));
      if (current.size() != 0 || (start != null && start != 0)) return finish(append(current, body, start), expected);
      return storeDirect(repo, current, body, expected);
    } finally {
      lock.unlock();
      locks.remove(u.id());
    }
  }

  private long storeDirect(RepositoryName repo, UploadRecord u, RequestBody body, Digest expected) throws IOException {
    MessageDigest md = Digest.newMessageDigest(expected.algorithm());
    long size;
    try (ObjectWriter w = driver.writer(BlobStore.blobPath(expected), 0)) {
      long hashed;
      try {
        hashed = UploadPipeline.transfer(body, md, w); // socket, file and SHA-256 on separate cores
      } catch (UploadPipeline.Failed e) {
        throw e.io(); // nothing is kept: the writer's temporary file goes with close()
      }
      size = w.size();
      if (hashed != size) throw new IOException("blob " + expected + ": " + size + " bytes written but " + hashed + " hashed");
      Digest actual = Digest.fromMessageDigest(expected.algorithm(), md);
      if (!actual.equals(expected)) {
        w.cancel();
        if (u != null) cancel(u);
        throw digestMismatch(size, actual, expected);
      }
      w.commit();
    }
    meta.blobPushed(repo, expected, size, u == null ? null : u.id());
    if (u != null) {
      hashes.remove(u.id());
      blobs.deleteUpload(u.id()); // bytes a dropped PATCH left without acknowledging them, if any
    }
    return size;
  }

  private static RegistryException digestMismatch(long size, Digest actual, Digest expected) {
    return new RegistryException(ErrorCode.DIGEST_INVALID,
        "the " + size + " bytes uploaded have digest " + actual + ", not " + expected
            + " as the client declared; nothing was stored and the upload session is closed — push the blob again",
        ErrorDetail.reason("digest_mismatch").with("declared", expected.toString()).with("computed", actual.toString()).with("size", size));
  }

  public void cancel(UploadRecord u) throws IOException {
    hashes.remove(u.id());
    locks.remove(u.id());
    meta.deleteUpload(u.id());
    blobs.deleteUpload(u.id());
  }

  /** Removes sessions idle for longer than {@code expiry}, and upload data no session owns. */
  public int expire(Duration expiry) {
    Instant before = clock.instant().minus(expiry);
    int removed = 0;
    while (true) {
      List<UploadRecord> stale = meta.staleUploads(before, 100);
      if (stale.isEmpty()) break;
      for (UploadRecord u : stale) {
        try {
          cancel(u);
          removed++;
        } catch (IOException e) {
          LOG.warn("could not remove expired upload {}: {}", u.id(), e.toString());
          return removed;
        }
      }
    }
    try {
      String cont = null;
      do {
        var page = driver.list("uploads", cont, 500);
        for (String p : page.entries()) {
          String id = p.substring(p.lastIndexOf('/') + 1);
          if (meta.upload(id).isPresent()) continue;
          var info = driver.stat(p);
          if (info.isPresent() && info.get().modified().isBefore(clock.instant().minus(Duration.ofHours(1)))) {
            driver.delete(p);
            removed++;
          }
        }
        cont = page.continuation();
      } while (cont != null);
    } catch (IOException e) {
      LOG.warn("could not sweep orphaned upload data: {}", e.toString());
    }
    if (removed > 0) LOG.info("removed {} expired upload sessions", removed);
    return removed;
  }

  public static String range(long size) {
    return "0-" + Math.max(0, size - 1);
  }

  public static String location(UploadRecord u) {
    return "/v2/" + u.repository() + "/blobs/uploads/" + u.id();
  }

}
