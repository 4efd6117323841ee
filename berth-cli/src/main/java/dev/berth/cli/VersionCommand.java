package dev.berth.cli;

import picocli.CommandLine.Command;

@Command(name = "version", description = "Print berth's version and the Java it runs on.")
final class VersionCommand implements Runnable {
  @Override
  public void run() {
    System.out.println(new VersionProvider().getVersion()[0]);
  }
}
