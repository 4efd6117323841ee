package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code berth serve}'s arguments parsed without picocli mean what picocli makes of them, or fall back to picocli. */
class ServeFastPathTest {
  @Test
  void knowsExactlyTheOptionsServeDeclares() {
    List<String> valued = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (Field f : ServeCommand.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) continue;
      assertThat(o.names()).as(f.getName()).hasSize(1);
      (f.getType() == boolean.class ? flags : valued).add(o.names()[0]);
    }
    assertThat(valued).containsExactlyInAnyOrderElementsOf(ServeCommand.VALUED);
    assertThat(flags).containsExactly(ServeCommand.FLAG);
  }

  @Test
  void parsesAsPicocliDoes() throws Exception {
    String[][] cases = {
        {"serve"},
        {"serve", "--auth", "none"},
        {"serve", "--listen", "127.0.0.1:0", "--data", "/tmp/d", "--auth=none"},
        {"serve", "--listen=:5000", "--data=rel/dir", "--config", "berth.conf"},
        {"serve", "--tls-self-signed", "--data", "d"},
        {"serve", "--tls-cert", "c.pem", "--tls-key=k.pem", "--listen", "0.0.0.0:443"},
        {"serve", "--auth", "token", "--data", "a=b"},
    };
    for (String[] args : cases) {
      ServeCommand fast = ServeCommand.parseSimple(args);
      assertThat(fast).as(Arrays.toString(args)).isNotNull();
      ServeCommand slow = (ServeCommand) Main.commandLine(args).parseArgs(args).subcommand().commandSpec().userObject();
      for (Field f : ServeCommand.class.getDeclaredFields()) {
        if (f.getAnnotation(Option.class) == null) continue;
        f.setAccessible(true);
        assertThat(f.get(fast)).as(Arrays.toString(args) + " " + f.getName()).isEqualTo(f.get(slow));
      }
    }
  }

  @Test
  void leavesEverythingElseToPicocli() {
    String[][] cases = {
        {}, {"version"}, {"serve", "--help"}, {"serve", "-h"}, {"serve", "--version"}, {"serve", "-V"},
        {"serve", "--listen"}, {"serve", "--listen", "--data", "d"}, {"serve", "--listen", "a:1", "--listen", "b:2"},
        {"serve", "--nope"}, {"serve", "@args.txt"}, {"serve", "--data", "@d"}, {"serve", "--data="},
        {"serve", "--tls-self-signed=true"}, {"serve", "--"}, {"serve", "extra"}, {"serve", "--data", "nul\0"},
    };
    for (String[] args : cases) {
      assertThat(ServeCommand.parseSimple(args)).as(Arrays.toString(args)).isNull();
    }
  }

  @Test
  void aServeErrorReadsAsWithPicocli(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    Cli.Result fast = Cli.run(java.util.Map.of(), null, "serve", "--auth", "nope", "--data", tmp.toString());
    assertThat(fast.exit()).isEqualTo(2);
    assertThat(fast.err()).contains("berth: setting \"auth\"");
    CommandLine cl = Main.commandLine("serve", "--auth", "nope", "--data", tmp.toString());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    assertThat(cl.execute("serve", "--auth", "nope", "--data", tmp.toString())).isEqualTo(fast.exit());
    assertThat(err.toString()).startsWith("berth: ");
    assertThat(fast.err()).contains(err.toString().strip());
  }
}
