package dev.meshwork.benchmarks;

import java.util.Arrays;

/**
 * Entry point of {@code benchmarks.jar}: {@code jmh [JMH options]} runs JMH as its own main would,
 * {@code load [options]} the load harness, {@code all [options]} everything with a Markdown report.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    String cmd = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (cmd) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "load" -> RunAll.main(rest, false);
      case "all" -> RunAll.main(rest, true);
      default -> {
        System.err.println("usage: java -jar benchmarks.jar jmh [JMH options] | load [options] | all [options]");
        System.exit(cmd.equals("help") ? 0 : 2);
      }
    }
  }
}
