package dev.berth.cli;

import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "berth",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "A container image registry (OCI Distribution / Docker Registry v2) with its own daemonless client and CI doctor.",
        "",
        "Start a registry on 127.0.0.1:5000 with data in ./berth-data:",
        "  berth serve",
        "Any client works against it: docker, podman, buildah, skopeo, containerd, Jib.",
    },
    footer = {"", "Run 'berth COMMAND --help' for a command's options. Docs: the README and the docs/ folder."})
public final class BerthCommand implements Runnable {
  /**
   * The subcommands, in the order {@code berth --help} lists them. They are not in the
   * {@code @Command} annotation because picocli would then build the model of every one (with its
   * option classes: client, doctor, …) on each start; {@link Main#commandLine} adds only the one
   * that is run, and all of them when the first argument names none (help, a typo).
   */
  static final List<Class<?>> SUBCOMMANDS = List.of(ServeCommand.class, UserCommand.class, GrantCommand.class, GrantCommand.Revoke.class,
      TokenCommand.class, NamespaceCommand.class, AuditCommand.class, DoctorCommand.class, VersionCommand.class, LoginCommand.class,
      LogoutCommand.class, PushCommand.class, PullCommand.class, CopyCommand.class, BuildCommand.class, TagCommand.class, TagsCommand.class,
      InspectCommand.class, RmCommand.class, DigestCommand.class, picocli.CommandLine.HelpCommand.class, AotTrainingCommand.class);

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
