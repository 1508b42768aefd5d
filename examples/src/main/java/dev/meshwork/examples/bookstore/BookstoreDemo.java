package dev.meshwork.examples.bookstore;

import dev.meshwork.controlplane.ConfigStatus;
import dev.meshwork.examples.CanaryDemo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: the {@link Bookstore} mesh, a {@link TrafficDriver} and a {@link TerminalView}
 * refreshed every second, for {@code --duration} seconds (default 120) or until Ctrl-C / {@code q}.
 * Typing {@code 1}…{@code 5} + Enter switches scenario. Options: {@code --duration S},
 * {@code --rps N} (default 100, at most {@value TrafficDriver#MAX_RPS}), {@code --canary} runs
 * the older gRPC {@link CanaryDemo} instead (its own options follow).
 */
public final class BookstoreDemo {
  private static final int WINDOW_SECONDS = 5;

  private BookstoreDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--canary")) {
      CanaryDemo.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    long duration = 120;
    int rps = 100;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--duration" -> duration = Long.parseLong(args[++i]);
        case "--rps" -> rps = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: java -jar meshwork-demo.jar [--duration SECONDS] [--rps N] | --canary [--serve]");
          System.exit(2);
        }
      }
    }
    Path work = Files.createTempDirectory("meshwork-bookstore");
    Path log = work.resolve("demo.log");
    DemoLogging.toFile(log);
    boolean ansi = TerminalView.isTerminal();
    System.out.println("Starting the bookstore mesh (control plane, ratings, reviews v1/v2/v3, productpage)...");
    System.out.println("  logs: " + log);

    long starting = System.nanoTime();
    Bookstore bookstore = Bookstore.start(work);
    System.out.printf("Up in %.1f s.%n", (System.nanoTime() - starting) / 1e9);
    TrafficStats stats = new TrafficStats();
    TrafficDriver driver = new TrafficDriver(bookstore.productpage(), rps, stats);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      driver.close();
      bookstore.close();
    }, "bookstore-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("  productpage: " + bookstore.productpage() + "/productpage/1");
    System.out.println("  control plane admin API: http://127.0.0.1:" + bookstore.adminPort() + "/config");
    System.out.println("  config directory (watched): " + bookstore.configDirectory());
    System.out.println("  scenarios: " + bookstore.scenariosDirectory());
    System.out.println("Switch scenario: type 1-5 + Enter, or copy a scenario over "
        + bookstore.configDirectory().resolve(Bookstore.SCENARIO_FILE));
    Thread.sleep(1000);
    readCommands(bookstore, stop);

    TerminalView view = new TerminalView(System.out, ansi);
    long start = System.nanoTime();
    long elapsed = 0;
    long lastVersion = bookstore.configStatus().version();
    String applied = bookstore.currentScenario(); // what the served config version was loaded from
    while (elapsed < duration && !stop.await(1, TimeUnit.SECONDS)) {
      elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      ConfigStatus status = bookstore.configStatus();
      String scenario = bookstore.currentScenario();
      if (status.version() != lastVersion) {
        lastVersion = status.version();
        applied = scenario;
      }
      // The file changed and the control plane has not applied it yet (a rejection shows as an error).
      boolean pending = !scenario.equals(applied) && status.errors().isEmpty();
      String error = status.errors().isEmpty() ? null : status.errors().get(0);
      view.render(new TerminalView.Header(elapsed, duration, scenario + (pending ? " (applying...)" : ""),
          status.version(), error, bookstore.configDirectory().toString()), stats.lastSeconds(WINDOW_SECONDS),
          WINDOW_SECONDS);
    }
    System.out.println("Stopping the bookstore mesh...");
    driver.close();
    bookstore.close();
    System.out.println("Stopped. Logs: " + log);
    System.exit(0);
  }

  /** Reads {@code 1}…{@code 5} (switch scenario) and {@code q} (quit) from stdin, one per line. */
  private static void readCommands(Bookstore bookstore, CountDownLatch stop) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          String cmd = line.trim();
          if (cmd.equals("q")) {
            stop.countDown();
            return;
          }
          if (!cmd.isEmpty() && Bookstore.resolve(cmd).isPresent()) {
            bookstore.switchTo(cmd);
          }
        }
      } catch (IOException e) {
        // stdin gone: no commands, the demo runs on
      }
    }, "bookstore-commands");
    t.setDaemon(true);
    t.start();
  }
}
