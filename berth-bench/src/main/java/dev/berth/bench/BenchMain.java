package dev.berth.bench;

/** {@code java -jar berth-bench.jar --url URL [--compare URL] …}; exit 0 only if every check passed. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    int rc;
    try {
      rc = Bench.run(args, System.out) ? 0 : 1;
    } catch (Options.Usage u) {
      if (u.getMessage() != null) System.err.println("berth-bench: " + u.getMessage());
      System.err.print(Options.USAGE);
      rc = u.getMessage() == null ? 0 : 2;
    } catch (CheckFailed e) {
      System.err.println();
      System.err.println("berth-bench: CHECK FAILED: " + e.getMessage());
      System.err.println("berth-bench: the figures above are not valid; the run stops here.");
      rc = 1;
    } catch (Exception e) {
      System.err.println("berth-bench: FAILED: " + e);
      e.printStackTrace();
      rc = 1;
    }
    System.exit(rc);
  }
}
