package dev.berth.cli;

import dev.berth.client.Location;
import picocli.CommandLine.Command;

@Command(name = "pull", description = {
    "Pull an image from a registry into an OCI layout or a docker-archive tarball (for docker load).",
    "Every blob is verified against its digest while it streams, before it is renamed into place.",
    "",
    "Examples:",
    "  berth pull 127.0.0.1:5000/app:1 oci:./app:1",
    "  berth pull --platform linux/amd64 debian:12 docker-archive:debian.tar:debian:12"},
    mixinStandardHelpOptions = true)
final class PullCommand extends TransferCommand {
  @Override
  String verb() {
    return "pulled";
  }

  @Override
  void check(Location src, Location dst) {
    if (!(src instanceof Location.Registry)) {
      throw new UserError("pull reads from a registry; " + src + " is not one (use: berth copy " + source + " " + destination + ")");
    }
  }
}
