package dev.berth.cli;

import dev.berth.client.Location;
import picocli.CommandLine.Command;

@Command(name = "push", description = {
    "Push an image to a registry, from an OCI layout or a docker save tarball (or another registry).",
    "Blobs the registry has are skipped; large ones go in chunks that resume after a dropped connection.",
    "",
    "Examples:",
    "  berth push oci:./build/image:1.0 registry.example.com/team/app:1.0",
    "  berth push docker-archive:app.tar 127.0.0.1:5000/app:1"},
    mixinStandardHelpOptions = true)
final class PushCommand extends TransferCommand {
  @Override
  String verb() {
    return "pushed";
  }

  @Override
  void check(Location src, Location dst) {
    if (!(dst instanceof Location.Registry)) {
      throw new UserError("push writes to a registry; " + dst + " is not one (to write a file or directory use: berth copy " + source + " " + destination + ")");
    }
  }
}
