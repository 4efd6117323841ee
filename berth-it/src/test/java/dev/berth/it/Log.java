package dev.berth.it;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on stdout (failsafe keeps them in target/failsafe-reports/*-output.txt). */
final class Log {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private Log() {}

  static void info(String format, Object... args) {
    System.out.println("[berth-it " + LocalTime.now().format(TIME) + "] " + String.format(format, args));
  }
}
