package dev.berth.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/** Attaches the registry's (and daemon's) recent output to a failing test's exception. */
final class ServerOutputOnFailure implements TestExecutionExceptionHandler {

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    if (!(failure instanceof TestAbortedException)
        && context.getTestInstance().orElse(null) instanceof RegistryTestBase test) {
      try {
        failure.addSuppressed(new ServerOutput(String.join("\n", test.diagnostics())));
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure;
  }

  /** Carries server output into the test report; its stack trace would only be noise. */
  static final class ServerOutput extends RuntimeException {
    ServerOutput(String output) {
      super("server output at the time of the failure:\n" + output, null, false, false);
    }
  }
}
