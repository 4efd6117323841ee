import com.sun.tools.attach.VirtualMachine;

/**
 * Loads async-profiler into a running JVM with its options intact ({@code jcmd JVMTI.agent_load}
 * splits them at '='). Run as a source file: {@code java Attach.java PID LIBRARY OPTIONS}.
 */
public class Attach {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: java Attach.java PID LIBRARY OPTIONS");
      System.exit(2);
    }
    VirtualMachine vm = VirtualMachine.attach(args[0]);
    try {
      vm.loadAgentPath(args[1], args[2]);
    } finally {
      vm.detach();
    }
  }
}
