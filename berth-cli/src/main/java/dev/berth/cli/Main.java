package dev.berth.cli;

/** Entry point of the berth jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
