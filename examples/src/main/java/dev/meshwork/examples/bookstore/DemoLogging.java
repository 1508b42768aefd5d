package dev.meshwork.examples.bookstore;

import java.nio.file.Path;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Keeps the demo's console for the live view: slf4j-simple writes to a file (WARN for libraries,
 * as {@code simplelogger.properties} says), java.util.logging (Tomcat) is bridged to it, and
 * Spring Boot leaves logging alone.
 */
final class DemoLogging {
  private DemoLogging() {}

  /** Sends every log line to {@code file}; call before anything logs. */
  static void toFile(Path file) {
    System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
