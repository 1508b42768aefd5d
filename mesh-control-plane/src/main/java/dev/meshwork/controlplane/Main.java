package dev.meshwork.controlplane;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code java -jar mesh-control-plane.jar --config DIR [--bind ADDR] [--xds-port N]
 * [--admin-bind ADDR] [--admin-port N]}. xDS listens on all interfaces by default, the admin API on
 * loopback only. Runs until interrupted (Ctrl-C), then closes cleanly.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    ControlPlane.Builder b = ControlPlane.builder().bindAddress("0.0.0.0").registryWarmup(java.time.Duration.ofSeconds(4));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--config" -> b.configDirectory(Path.of(require(a, v)));
        case "--bind" -> b.bindAddress(require(a, v));
        case "--admin-bind" -> b.adminBindAddress(require(a, v));
        case "--xds-port" -> b.xdsPort(Integer.parseInt(require(a, v)));
        case "--admin-port" -> b.adminPort(Integer.parseInt(require(a, v)));
        case "--registry-warmup-ms" -> b.registryWarmup(java.time.Duration.ofMillis(Long.parseLong(require(a, v))));
        case "-h", "--help" -> {
          System.out.println("usage: mesh-control-plane --config DIR [--bind 0.0.0.0] [--xds-port 15010] [--admin-bind 127.0.0.1] [--admin-port 15014] [--registry-warmup-ms 4000]");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + a + " (try --help)");
          System.exit(2);
        }
      }
      i++;
    }
    ControlPlane cp = b.start();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cp.close();
      done.countDown();
    }, "meshwork-cp-shutdown"));
    done.await();
  }

  private static String require(String flag, String value) {
    if (value == null) {
      System.err.println(flag + " needs a value");
      System.exit(2);
    }
    return value;
  }
}
