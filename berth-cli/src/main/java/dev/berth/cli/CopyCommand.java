package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(name = "copy", aliases = "cp", description = {
    "Copy an image or a whole multi-platform index between registries, OCI layouts and docker-archive tarballs.",
    "Between repositories of one registry, blobs are mounted instead of moved.",
    "",
    "Examples:",
    "  berth copy docker.io/library/busybox:1.36 127.0.0.1:5000/mirror/busybox:1.36",
    "  berth copy --platform linux/arm64 127.0.0.1:5000/app:1 oci:./app-arm64"},
    mixinStandardHelpOptions = true)
final class CopyCommand extends TransferCommand {
  @Override
  String verb() {
    return "copied";
  }
}
