package dev.berth.it;

import java.net.URI;
import java.nio.file.Path;

/**
 * A registry running as a separate process on 127.0.0.1, the way a user runs one. Clients reach
 * it over plain HTTP at {@link #host()}: docker treats 127.0.0.0/8 as an insecure registry, skopeo
 * needs --tls-verify=false, Jib needs setAllowInsecureRegistries(true).
 */
public interface RegistryProcess extends AutoCloseable {

  /** Which implementation this is: "berth" or "distribution". */
  String name();

  /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
  String host();

  default URI url() {
    return URI.create("http://" + host());
  }

  boolean isAlive();

  /** The file that holds everything the process printed. */
  Path logFile();

  /** The last lines the process printed, framed for a failure message. */
  String outputTail(int lines);

  /** Stops the process and everything it started. */
  @Override
  void close();
}
