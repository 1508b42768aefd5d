package dev.meshwork.benchmarks;

import java.util.List;

/** Markdown tables from the figures: machine, per-request path, load phases, targets. */
final class Report {
  private Report() {}

  static String markdown(Figures f, int runs, LoadHarness.Settings s, boolean jmh, double seconds, double loadSeconds) {
    StringBuilder b = new StringBuilder();
    List<String> cpu = RunAll.cpuinfo();
    String model = cpu.stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    long cores = cpu.stream().filter(l -> l.startsWith("processor")).count();
    String commit = RunAll.command("git", "rev-parse", "--short", "HEAD");
    if (!commit.equals("unknown") && !RunAll.command("git", "status", "--porcelain", "--untracked-files=no").isEmpty()) {
      commit += " (with uncommitted changes)";
    }
    b.append("Machine: ").append(model).append(", ").append(cores).append(" cores (")
        .append(Runtime.getRuntime().availableProcessors()).append(" available to the JVM); JVM ")
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
        .append("; commit ").append(commit).append("; ").append(runs).append(" runs, ")
        .append(String.format("%.0f", seconds)).append(" s in all.\n\n")
        .append("Each figure: median (min–max) over the runs.\n\n");
    if (jmh) {
      b.append("### Per-request path (JMH, `Mesh.call` with an immediate attempt; one fork per run)\n\n")
          .append("| telemetry | ns/op | B/op (`gc.alloc.rate.norm`) | target 4 (≤ 1,000 ns, ≤ 512 B) |\n|---|---|---|---|\n");
      for (String v : List.of("disabled", "metrics", "otel", "both")) {
        String ns = "jmh." + v + ".ns";
        String by = "jmh." + v + ".bytes";
        if (!f.has(ns)) {
          continue;
        }
        String label = switch (v) {
          case "disabled" -> "DISABLED";
          case "metrics" -> "DEFAULTS (OTel names), no tracing SDK (API no-op tracer)";
          case "otel" -> "DEFAULTS (OTel names), SDK sampling every span out";
          default -> "OTel + Istio names, SDK sampling every span out";
        };
        String verdict = v.equals("disabled") || v.equals("metrics") ? "—"
            : (f.median(ns) <= 1000 && f.has(by) && f.median(by) <= 512 ? "met" : "**missed**");
        b.append("| ").append(label).append(" | ").append(f.cell(ns, "%.0f")).append(" | ")
            .append(f.has(by) ? f.cell(by, "%.0f") : "n/a").append(" | ").append(verdict).append(" |\n");
      }
      b.append('\n');
    }
    if (f.has("okhttp.bare.on.ns")) {
      b.append("### What mesh-http adds to an OkHttp call, without I/O (JMH `OkHttpPathBenchmark`; both clients end in an ")
          .append("interceptor answering 1 KiB at once)\n\n")
          .append("| client | ns/op | B/op | added over bare: ns | added over bare: B |\n|---|---|---|---|---|\n");
      for (String[] row : List.of(new String[] {"bare", "bare.on", "bare OkHttp"},
          new String[] {"mesh.off", "mesh.off", "mesh, telemetry off"},
          new String[] {"mesh.on", "mesh.on", "mesh, metrics on, spans sampled out"})) {
        String ns = "okhttp." + row[1] + ".ns";
        String by = "okhttp." + row[1] + ".bytes";
        if (!f.has(ns)) {
          continue;
        }
        boolean bare = row[0].equals("bare");
        b.append("| ").append(row[2]).append(" | ").append(f.cell(ns, "%.0f")).append(" | ")
            .append(f.has(by) ? f.cell(by, "%.0f") : "n/a").append(" | ")
            .append(bare ? "—" : String.format("%.0f", f.median(ns) - f.median("okhttp.bare.on.ns"))).append(" | ")
            .append(bare || !f.has(by) ? "—" : String.format("%.0f", f.median(by) - f.median("okhttp.bare.on.bytes")))
            .append(" |\n");
      }
      b.append('\n');
    }
    if (f.has("fanout.sotw.100.max")) {
      b.append("### Control-plane fan-out (raw ADS streams on RDS `reviews`, ").append(FanOut.CHANNELS)
          .append(" connections; ms from the YAML edit)\n\n")
          .append("| protocol | clients | file → publish | publish → last ACK | p50 | p99 | last ACK T(N) | KB/client | CPU µs/client |\n")
          .append("|---|---|---|---|---|---|---|---|---|\n");
      for (FanOut.Protocol p : FanOut.Protocol.values()) {
        for (int n : new int[] {100, 1000}) {
          String k = "fanout." + p.key + "." + n + ".";
          b.append("| ").append(p == FanOut.Protocol.SOTW ? "SotW" : "delta").append(" | ").append(n).append(" | ")
              .append(f.cell(k + "read", "%.1f")).append(" | ").append(f.cell(k + "push", "%.1f")).append(" | ")
              .append(f.cell(k + "p50", "%.1f")).append(" | ")
              .append(f.cell(k + "p99", "%.1f")).append(" | ").append(f.cell(k + "max", "%.1f")).append(" | ")
              .append(f.cell(k + "kb", "%.1f")).append(" | ").append(f.cell(k + "cpu", "%.0f")).append(" |\n");
        }
      }
      b.append("\n| protocol | target 5a: p99 at 1,000 < 1,000 ms | target 5b: T(1,000)/T(100) ≤ 2 |\n|---|---|---|\n");
      for (FanOut.Protocol p : FanOut.Protocol.values()) {
        String k = "fanout." + p.key + ".";
        List<Double> r = f.ratio(k + "1000.max", k + "100.max");
        double p99 = f.median(k + "1000.p99");
        b.append("| ").append(p == FanOut.Protocol.SOTW ? "SotW" : "delta").append(" | ")
            .append(String.format("%.1f ms: ", p99)).append(p99 < 1000 ? "met" : "**missed**").append(" | ")
            .append(Figures.cell(r, "%.2f")).append(": ").append(Figures.median(r) <= 2 ? "met" : "**missed**")
            .append(" |\n");
      }
      b.append("\n");
    }
    List<String> variants = s.variants().stream().filter(v -> f.has(v + ".http.open.bare.p50")).toList();
    if (variants.isEmpty()) {
      heap(b, f);
      return b.toString();
    }
    b.append("Load harness: bare and mesh alternate in ").append(s.sliceMs()).append(" ms slices within each phase ")
        .append("(per run and client: open loop ").append(s.openSeconds()).append(" s, closed loop ")
        .append(s.closedSeconds()).append(" s); mesh telemetry ").append(s.meshTelemetry())
        .append(String.format("; %.0f s for the load harness in all", loadSeconds))
        .append(". Allocation: bytes allocated by every thread of the process during the client's slices, per request; ")
        .append("GC: stop-the-world collections during its slices (").append(Usage.collectors())
        .append("), count and total pause time per run; CPU steal: share of the machine's CPU time the hypervisor ")
        .append("gave to other guests during the client's slices (`/proc/stat`): where it is more than a few percent, ")
        .append("latency percentiles measure the host, not the clients; JIT: time the JIT compilers spent compiling ")
        .append("during the client's slices, per run (the JVM's `CompilationMXBean`): on two cores, hundreds of ms ")
        .append("mean the client was measured while its code was still being compiled.\n\n");
    for (String v : variants) {
      boolean tls = v.equals("mtls");
      String title = tls ? "mTLS (both sides; mesh-CA certificates)" : "plaintext";
      b.append("### Open loop at ").append(s.rate()).append(" rps, ").append(title)
          .append(" (latency from intended start, µs; process CPU per request, µs; allocation per request, KB)\n\n")
          .append("| protocol | client | p50 | p99 | p99.9 | CPU/request | alloc/request | GC pauses | GC pause ms | JIT ms | CPU steal % | errors |")
          .append(tls ? " server saw the client's certificate | new TLS sessions |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
              : "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (String p : List.of("http", "grpc")) {
        for (String c : List.of("bare", "mesh")) {
          String k = v + "." + p + ".open." + c + ".";
          b.append("| ").append(p).append(" | ").append(c).append(" | ").append(f.cell(k + "p50", "%.0f"))
              .append(" | ").append(f.cell(k + "p99", "%.0f")).append(" | ").append(f.cell(k + "p999", "%.0f"))
              .append(" | ").append(f.cell(k + "cpu", "%.1f")).append(" | ").append(f.cell(k + "kb", "%.2f"))
              .append(" | ").append(f.cell(k + "gc", "%.0f")).append(" | ").append(f.cell(k + "gcms", "%.0f"))
              .append(" | ").append(f.has(k + "jit") ? f.cell(k + "jit", "%.0f") : "n/a")
              .append(" | ").append(f.has(k + "steal") ? f.cell(k + "steal", "%.1f") : "n/a")
              .append(" | ").append(f.cell(k + "errors", "%.0f"))
              .append(tls ? " | " + f.cell(k + "tls", "%.3f") + " | " + f.cell(k + "sessions", "%.0f") : "")
              .append(" |\n");
        }
      }
      b.append("\n### Closed loop, ").append(s.concurrency()).append(" callers, ").append(title).append("\n\n")
          .append("| protocol | client | requests/s | p50 (µs) | CPU/request (µs) | alloc/request (KB) | GC pauses | GC pause ms | JIT ms | CPU steal % | errors |")
          .append(tls ? " server saw the client's certificate | new TLS sessions |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
              : "\n|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (String p : List.of("http", "grpc")) {
        for (String c : List.of("bare", "mesh")) {
          String k = v + "." + p + ".closed." + c + ".";
          b.append("| ").append(p).append(" | ").append(c).append(" | ").append(f.cell(k + "rps", "%.0f"))
              .append(" | ").append(f.cell(k + "p50", "%.0f")).append(" | ").append(f.cell(k + "cpu", "%.1f"))
              .append(" | ").append(f.cell(k + "kb", "%.2f"))
              .append(" | ").append(f.cell(k + "gc", "%.0f")).append(" | ").append(f.cell(k + "gcms", "%.0f"))
              .append(" | ").append(f.has(k + "jit") ? f.cell(k + "jit", "%.0f") : "n/a")
              .append(" | ").append(f.has(k + "steal") ? f.cell(k + "steal", "%.1f") : "n/a")
              .append(" | ").append(f.cell(k + "errors", "%.0f"))
              .append(tls ? " | " + f.cell(k + "tls", "%.3f") + " | " + f.cell(k + "sessions", "%.0f") : "")
              .append(" |\n");
        }
      }
      b.append('\n');
    }
    heap(b, f);
    b.append("\n### Against the targets (per-run ratios mesh/bare: median (min–max))\n\n")
        .append("| target | variant | protocol | measured | limit | verdict |\n|---|---|---|---|---|---|\n");
    for (String v : variants) {
      for (String p : List.of("http", "grpc")) {
        String k = v + "." + p;
        target(b, f, v, p, "1. p50 ≤ 1.03 × bare + 20 µs", k + ".open.mesh.p50", k + ".open.bare.p50", 1.03, 20);
        target(b, f, v, p, "1. p99 ≤ 1.05 × bare + 50 µs", k + ".open.mesh.p99", k + ".open.bare.p99", 1.05, 50);
        ratio(b, f, v, p, "2. closed-loop throughput ≥ 0.95 × bare", k + ".closed.mesh.rps", k + ".closed.bare.rps", 0.95, true);
        ratio(b, f, v, p, "3. CPU/request ≤ 1.10 × bare at " + s.rate() + " rps", k + ".open.mesh.cpu", k + ".open.bare.cpu", 1.10, false);
      }
    }
    b.append("\nAllocation per request, mesh/bare (per-run ratios; not a target, explains p99 and CPU):");
    for (String v : variants) {
      for (String p : List.of("http", "grpc")) {
        String k = v + "." + p;
        b.append(" ").append(v).append(' ').append(p).append(" open ")
            .append(Figures.cell(f.ratio(k + ".open.mesh.kb", k + ".open.bare.kb"), "%.2f")).append(", closed ")
            .append(Figures.cell(f.ratio(k + ".closed.mesh.kb", k + ".closed.bare.kb"), "%.2f")).append(';');
      }
    }
    b.setLength(b.length() - 1);
    b.append(".\n");
    return b.toString();
  }

  /** mesh ≤ factor × bare + plus, judged on the medians. */
  private static void target(StringBuilder b, Figures f, String v, String p, String name, String mesh, String bare,
      double factor, double plus) {
    double limit = factor * f.median(bare) + plus;
    double m = f.median(mesh);
    b.append("| ").append(name).append(" | ").append(v).append(" | ").append(p).append(" | mesh ").append(String.format("%.0f µs", m))
        .append(" (ratio ").append(Figures.cell(f.ratio(mesh, bare), "%.3f")).append(") | ")
        .append(String.format("%.0f µs", limit)).append(" | ").append(m <= limit ? "met" : "**missed**").append(" |\n");
  }

  private static void ratio(StringBuilder b, Figures f, String v, String p, String name, String mesh, String bare,
      double limit, boolean atLeast) {
    List<Double> r = f.ratio(mesh, bare);
    double med = Figures.median(r);
    boolean ok = atLeast ? med >= limit : med <= limit;
    b.append("| ").append(name).append(" | ").append(v).append(" | ").append(p).append(" | ").append(Figures.cell(r, "%.3f")).append(" | ")
        .append(atLeast ? "≥ " : "≤ ").append(limit).append(" | ").append(ok ? "met" : "**missed**").append(" |\n");
  }

  private static void heapRow(StringBuilder b, Figures f, String figure, String key) {
    if (f.has(key)) {
      b.append("| ").append(figure).append(" | ").append(f.cell(key, "%.2f")).append(" | ")
          .append(f.median(key) <= 8 ? "met" : "**missed**").append(" |\n");
    }
  }

  private static void heap(StringBuilder b, Figures f) {
    if (f.has("heap.mb")) {
      b.append("\n### Library heap, ").append(HeapFootprint.SERVICES).append(" services × ")
          .append(HeapFootprint.ENDPOINTS).append(" endpoints (used heap after full GCs with a mesh using every service, minus after closing it)\n\n")
          .append("| figure | MB | target 6 (≤ 8 MB) |\n|---|---|---|\n");
      heapRow(b, f, "retained heap, meters in a `SimpleMeterRegistry`", "heap.mb");
      heapRow(b, f, "retained heap, meters in a `PrometheusMeterRegistry`", "heap.prometheus.mb");
    }
  }
}
