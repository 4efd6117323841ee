package dev.berth.server;

import dev.berth.server.http.Exchange;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time initialisation the first requests need, done on a second thread (a second core)
 * while the starting thread opens storage and metadata: first Jetty's static tables (MIME types,
 * the HTTP parser's header caches), then Jackson, which writes every JSON body including the
 * first 401. The starting thread configures Jetty only after {@link #awaitJetty()} and starts it
 * only after {@link #awaitAll()}, so no class is ever initialised by both threads at once.
 * Failures here are harmless: the class is then initialised on first use as before.
 */
final class Warmup {
  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  private final CountDownLatch jettyReady = new CountDownLatch(1);
  private final Thread thread = Thread.ofPlatform().daemon().name("berth-warmup").unstarted(this::run);

  private Warmup() {}

  static Warmup start() {
    Warmup w = new Warmup();
    w.thread.start();
    return w;
  }

  private void run() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      for (Class<?> c : new Class<?>[] {org.eclipse.jetty.http.MimeTypes.class, org.eclipse.jetty.http.HttpParser.class,
          org.eclipse.jetty.http.HttpGenerator.class, org.eclipse.jetty.http.UriCompliance.class,
          org.eclipse.jetty.server.HttpConfiguration.class, org.eclipse.jetty.server.Server.class,
          org.eclipse.jetty.server.ServerConnector.class}) {
        lookup.ensureInitialized(c);
      }
    } catch (Throwable e) {
      LOG.debug("warming up Jetty failed", e);
    } finally {
      jettyReady.countDown();
    }
    try {
      Exchange.warmUp();
    } catch (Throwable e) {
      LOG.debug("warming up Jackson failed", e);
    }
  }

  void awaitJetty() throws InterruptedException {
    jettyReady.await();
  }

  void awaitAll() throws InterruptedException {
    thread.join();
  }
}
