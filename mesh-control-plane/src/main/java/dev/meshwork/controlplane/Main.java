package dev.meshwork.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code java -jar mesh-control-plane.jar --config DIR [--bind ADDR] [--xds-port N]
 * [--admin-bind ADDR] [--admin-port N]} plus the CA's flags ({@code --trust-domain},
 * {@code --ca-dir}, {@code --ca-cert/--ca-key/--ca-chain}, {@code --ca-extra-roots},
 * {@code --join-tokens}, {@code --cert-ttl}, {@code --max-cert-ttl}; see {@code --help}). xDS
 * listens on all interfaces by default, the admin API on loopback only. Runs until interrupted
 * (Ctrl-C), then closes cleanly.
 */
public final class Main {
  private Main() {}

  private static final String USAGE = """
      usage: mesh-control-plane --config DIR [--bind 0.0.0.0] [--xds-port 15010] [--admin-bind 127.0.0.1]
                                [--admin-port 15014] [--registry-warmup-ms 4000]
                                [--trust-domain cluster.local] [--join-tokens FILE]...
                                [--ca-dir DIR | --ca-cert PEM --ca-key PEM [--ca-chain PEM]]
                                [--ca-extra-roots PEM] [--cert-ttl 24h] [--max-cert-ttl 24h]
        --ca-dir          self-managed root (default: meshwork-ca next to the config directory)
        --ca-cert/--ca-key/--ca-chain  sign with your own CA (root or intermediate + chain to the root)
        --ca-extra-roots  further roots published in the trust bundle (root rotation)
        --join-tokens     YAML list of {token, namespace, serviceAccount}
        --cert-ttl, --max-cert-ttl  durations such as 90m, 24h, 3600s""";

  /** Parses the flags above, starts the control plane and runs until the JVM shuts down. */
  public static void main(String[] args) throws Exception {
    Path caCert = null;
    Path caDir = null;
    Path config = null;
    Path caKey = null;
    Path caChain = null;
    ControlPlane.Builder b = ControlPlane.builder().bindAddress("0.0.0.0").registryWarmup(java.time.Duration.ofSeconds(4));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--bind" -> b.bindAddress(require(a, v));
        case "--admin-bind" -> b.adminBindAddress(require(a, v));
        case "--xds-port" -> b.xdsPort(Integer.parseInt(require(a, v)));
        case "--admin-port" -> b.adminPort(Integer.parseInt(require(a, v)));
        case "--registry-warmup-ms" -> b.registryWarmup(java.time.Duration.ofMillis(Long.parseLong(require(a, v))));
        case "--trust-domain" -> b.trustDomain(require(a, v));
        case "--ca-dir" -> caDir = Path.of(require(a, v));
        case "--config" -> {
          config = Path.of(require(a, v));
          b.configDirectory(config);
        }
        case "--ca-cert" -> caCert = Path.of(require(a, v));
        case "--ca-key" -> caKey = Path.of(require(a, v));
        case "--ca-chain" -> caChain = Path.of(require(a, v));
        case "--ca-extra-roots" -> b.additionalTrustedRoots(Path.of(require(a, v)));
        case "--join-tokens" -> b.joinTokens(Path.of(require(a, v)));
        case "--cert-ttl" -> b.defaultCertificateTtl(duration(a, require(a, v)));
        case "--max-cert-ttl" -> b.maxCertificateTtl(duration(a, require(a, v)));
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> {
          System.err.println("unknown argument: " + a + " (try --help)");
          System.exit(2);
        }
      }
      i++;
    }
    if (caDir == null && config != null && config.toAbsolutePath().getParent() != null) {
      caDir = config.toAbsolutePath().getParent().resolve("meshwork-ca"); // a root that survives restarts
    }
    b.caDirectory(caDir);
    if (caCert != null || caKey != null || caChain != null) {
      if (caCert == null || caKey == null) {
        System.err.println("--ca-cert and --ca-key go together");
        System.exit(2);
      }
      b.caSigningCertificate(caCert, caKey, caChain);
    }
    ControlPlane cp = b.start();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cp.close();
      done.countDown();
    }, "meshwork-cp-shutdown"));
    done.await();
  }

  /** {@code 90m}, {@code 24h}, {@code 3600s}, {@code 2d}, or an ISO-8601 duration ({@code PT24H}). */
  static Duration duration(String flag, String value) {
    try {
      if (value.startsWith("P") || value.startsWith("p")) {
        return Duration.parse(value);
      }
      long n = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (value.charAt(value.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + ": " + value + " (expected a duration such as 90m, 24h, 3600s)");
    }
  }

  private static String require(String flag, String value) {
    if (value == null) {
      System.err.println(flag + " needs a value");
      System.exit(2);
    }
    return value;
  }
}
