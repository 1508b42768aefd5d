package dev.meshwork.examples.bookstore;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Renders one frame of the live view from a {@link TrafficStats.Snapshot}: on a terminal the screen
 * is redrawn in place (ANSI home + clear); otherwise (output piped, no console) each frame is one
 * plain line, so a log file stays readable.
 */
public final class TerminalView {
  private static final List<String> VERSIONS = List.of("v1", "v2", "v3");
  private final PrintStream out;
  private final boolean ansi;

  /**
   * @param out where frames go
   * @param ansi redraw in place with ANSI escapes (only on a terminal)
   */
  public TerminalView(PrintStream out, boolean ansi) {
    this.out = out;
    this.ansi = ansi;
  }

  /** Whether this JVM's standard input and output are a terminal. */
  public static boolean isTerminal() {
    var console = System.console();
    if (console == null) {
      return false;
    }
    try { // JDK 22+: a console exists even when redirected; ask it
      return (Boolean) console.getClass().getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** What the frame shows besides the traffic. */
  public record Header(long elapsedSeconds, long durationSeconds, String scenario, long configVersion,
      String configError, String configDirectory) {}

  /** Prints one frame. */
  public void render(Header h, TrafficStats.Snapshot s, int windowSeconds) {
    if (!ansi) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "t=%3ds scenario=%s config=v%d reviews",
          h.elapsedSeconds(), h.scenario(), h.configVersion()));
      for (String v : VERSIONS) {
        line.append(String.format(Locale.ROOT, " %s=%5.1f%%", v, s.sharePercent(v)));
      }
      line.append(String.format(Locale.ROOT, " | success=%5.1f%% p50=%6.1fms p99=%6.1fms | %d req/%ds",
          s.successPercent(), s.p50Millis(), s.p99Millis(), s.requests(), windowSeconds));
      if (h.configError() != null) {
        line.append(" | config REJECTED: ").append(h.configError());
      }
      out.println(line);
      out.flush();
      return;
    }
    StringBuilder f = new StringBuilder("\033[H\033[2J");
    f.append(String.format(Locale.ROOT, "Meshwork bookstore   %ds / %ds   scenario: %s   config version: %d%n",
        h.elapsedSeconds(), h.durationSeconds(), h.scenario(), h.configVersion()));
    if (h.configError() != null) {
      f.append("  config change REJECTED (still serving the last good one): ").append(h.configError()).append('\n');
    }
    f.append(String.format(Locale.ROOT, "%nreviews traffic, last %d s (%d requests):%n", windowSeconds, s.requests()));
    for (String v : VERSIONS) {
      double p = s.sharePercent(v);
      String bar = "#".repeat((int) Math.round(p / 2));
      f.append(String.format(Locale.ROOT, "  %s %-12s %5.1f%%%s%n", v, stars(v), p, bar.isEmpty() ? "" : "  " + bar));
    }
    f.append(String.format(Locale.ROOT, "%n  success %5.1f%%    latency p50 %6.1f ms   p99 %6.1f ms%n",
        s.successPercent(), s.p50Millis(), s.p99Millis()));
    f.append("\nSwitch scenario: type a number + Enter (q + Enter or Ctrl-C quits)\n");
    for (int i = 0; i < Bookstore.SCENARIOS.size(); i++) {
      String name = Bookstore.SCENARIOS.get(i);
      f.append(String.format("  %s%s%n", name, h.scenario().startsWith(name) ? "   <- current" : ""));
    }
    f.append("or copy a YAML over ").append(h.configDirectory()).append("/scenario.yaml\n");
    out.print(f);
    out.flush();
  }

  private static String stars(String v) {
    return switch (v) {
      case "v1" -> "(no stars)";
      case "v2" -> "(black)";
      default -> "(red)";
    };
  }
}
