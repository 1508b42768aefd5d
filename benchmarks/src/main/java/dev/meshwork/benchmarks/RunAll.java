package dev.meshwork.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code all}: the JMH per-request benchmarks (one fork per run) then the load harness (runs in one
 * JVM after a warm-up), and a Markdown report. {@code load}: the load harness alone.
 * Options: {@code --runs 3 --rate 2000 --open-seconds 10 --closed-seconds 10 --warmup-seconds 6
 * --slice-ms 1000 --slice-log false --concurrency 8 --tls plaintext|mtls|both (both) --mesh-telemetry on|off --heap true|false
 * --fanout true|false --load true|false --jmh-warmup 3 --jmh-iterations 5 --out benchmarks/target/results.md}.
 */
final class RunAll {
  private RunAll() {}

  static void main(String[] args, boolean withJmh) throws Exception {
    Map<String, String> o = options(args);
    int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
    LoadHarness.Settings ls = new LoadHarness.Settings(
        Integer.parseInt(o.getOrDefault("rate", "2000")),
        Integer.parseInt(o.getOrDefault("open-seconds", "10")),
        Integer.parseInt(o.getOrDefault("closed-seconds", "10")),
        Integer.parseInt(o.getOrDefault("warmup-seconds", "6")),
        Integer.parseInt(o.getOrDefault("concurrency", "8")),
        o.getOrDefault("mesh-telemetry", "on"),
        Integer.parseInt(o.getOrDefault("slice-ms", "1000")),
        o.getOrDefault("tls", "both"),
        o.getOrDefault("slice-log", "false").equals("true"));
    Path out = Path.of(o.getOrDefault("out", "benchmarks/target/results.md"));
    Figures f = new Figures();
    double loadSeconds = 0;
    long t0 = System.nanoTime();
    if (withJmh) {
      jmh(f, runs, Integer.parseInt(o.getOrDefault("jmh-warmup", "3")),
          Integer.parseInt(o.getOrDefault("jmh-iterations", "5")));
    }
    if (!o.getOrDefault("fanout", "true").equals("false")) {
      try (BenchMesh cp = new BenchMesh()) {
        cp.apply("reviews.yaml", FanOut.weights(0));
        int flip = 1; // each pass flips the weights: an unchanged file would not be a new version
        for (FanOut.Protocol p : FanOut.Protocol.values()) {
          FanOut.measure(cp, p, 100, flip++); // warm-up
        }
        for (int r = 0; r < runs; r++) {
          for (int n : new int[] {100, 1000}) {
            // Which protocol goes first alternates between runs, so drift hits both.
            FanOut.Protocol[] order = r % 2 == 0 ? FanOut.Protocol.values()
                : new FanOut.Protocol[] {FanOut.Protocol.DELTA, FanOut.Protocol.SOTW};
            for (FanOut.Protocol p : order) {
              FanOut.Result fr = FanOut.measure(cp, p, n, flip++);
              String k = "fanout." + p.key + "." + n + ".";
              f.add(k + "p50", fr.p50Ms());
              f.add(k + "p99", fr.p99Ms());
              f.add(k + "max", fr.maxMs());
              f.add(k + "kb", fr.kbPerClient());
              f.add(k + "applied", fr.appliedMs());
              f.add(k + "push", fr.pushMs());
              f.add(k + "read", fr.readMs());
              f.add(k + "cpu", fr.cpuUsPerClient());
              System.err.printf("run %d fan-out %s %d: p50 %.1f ms p99 %.1f ms last ACK %.1f ms, %.1f KB/client;"
                      + " file to publish %.1f ms, publish to last ACK %.1f ms (config applied stamped after %.1f ms);"
                      + " process CPU %.0f us/client%n",
                  r + 1, p.key, n, fr.p50Ms(), fr.p99Ms(), fr.maxMs(), fr.kbPerClient(), fr.readMs(), fr.pushMs(),
                  fr.appliedMs(), fr.cpuUsPerClient());
            }
          }
        }
      }
    }
    if (!o.getOrDefault("heap", "true").equals("false")) {
      try (BenchMesh cp = new BenchMesh()) {
        cp.apply("services.yaml", HeapFootprint.yaml());
        HeapFootprint.measureMb(cp, false); // warm-up: classes, control-plane caches
        HeapFootprint.measureMb(cp, true);
        for (int r = 0; r < runs; r++) {
          double mb = HeapFootprint.measureMb(cp, false);
          double prometheusMb = HeapFootprint.measureMb(cp, true);
          f.add("heap.mb", mb);
          f.add("heap.prometheus.mb", prometheusMb);
          System.err.printf("run %d heap: %.2f MB (SimpleMeterRegistry), %.2f MB (PrometheusMeterRegistry) for %d services x %d endpoints%n",
              r + 1, mb, prometheusMb, HeapFootprint.SERVICES, HeapFootprint.ENDPOINTS);
        }
      }
    }
    if (!o.getOrDefault("load", "true").equals("false")) {
      long l0 = System.nanoTime();
      try (LoadHarness h = new LoadHarness(ls)) {
        h.warmUp();
        for (int r = 0; r < runs; r++) {
          h.run(r, f);
        }
      }
      loadSeconds = (System.nanoTime() - l0) / 1e9;
      Usage.Snapshot gc = Usage.take();
      System.err.printf("load harness: %.0f s (set-up, warm-up and %d runs); since JVM start %s: %d collections, %d ms%n",
          loadSeconds, runs, Usage.collectors(), gc.gcCount(), gc.gcMillis());
    }
    String md = Report.markdown(f, runs, ls, withJmh, (System.nanoTime() - t0) / 1e9, loadSeconds);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    System.out.println(md);
    System.err.println("written: " + out.toAbsolutePath());
    System.exit(0); // grpc-xds and OkHttp leave non-daemon threads behind for a while
  }

  static void jmh(Figures f, int forks, int warmup, int iterations) throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(PerRequestBenchmark.class.getName())
        .include(OkHttpPathBenchmark.class.getName())
        .forks(forks)
        .warmupIterations(warmup).warmupTime(TimeValue.seconds(1))
        .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
        .addProfiler("gc")
        .build()).run();
    for (RunResult rr : results) {
      String variant = rr.getParams().getParam("telemetry");
      String key = rr.getParams().getBenchmark().contains("OkHttpPath")
          ? "okhttp." + rr.getParams().getParam("client") + "." + variant // okhttp.mesh.on
          : "jmh." + variant;
      for (BenchmarkResult br : rr.getBenchmarkResults()) { // one per fork
        f.add(key + ".ns", br.getPrimaryResult().getScore());
        for (Map.Entry<String, Result> e : br.getSecondaryResults().entrySet()) {
          if (e.getKey().endsWith("gc.alloc.rate.norm")) {
            f.add(key + ".bytes", e.getValue().getScore());
          }
        }
      }
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("option: " + args[i] + " (expected: --name value)");
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }

  /** Output of a short command, or "unknown". */
  static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? s : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  static List<String> cpuinfo() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }
}
