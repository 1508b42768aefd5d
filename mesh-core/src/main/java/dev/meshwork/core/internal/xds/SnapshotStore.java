package dev.meshwork.core.internal.xds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and saves one {@link SnapshotFile}, logging instead of throwing: persistence must never
 * take the xDS client down. Saves run on the I/O executor so a slow disk never delays xDS
 * processing; bursts coalesce into one write of the latest content. Thread-safe.
 */
final class SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

  private final Path file;
  private final Clock clock;
  private final Executor io;
  private final AtomicReference<Map<String, Map<String, byte[]>>> pending = new AtomicReference<>();
  private final Object writeLock = new Object();

  SnapshotStore(Path file, Clock clock, Executor io) {
    this.file = file;
    this.clock = clock;
    this.io = io;
  }

  Path file() {
    return file;
  }

  /** The verified snapshot, or empty when there is none or it is unusable (logged at WARN). */
  Optional<SnapshotFile.Snapshot> load() {
    if (!Files.exists(file)) {
      log.debug("No persisted xDS config at {}", file);
      return Optional.empty();
    }
    try {
      return Optional.of(SnapshotFile.read(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("Ignoring persisted xDS config {}: {}", file, e.getMessage() == null ? e.toString() : e.getMessage());
      return Optional.empty();
    }
  }

  /** Schedules a write of {@code resources} (type URL → name → serialized Any). */
  void save(Map<String, Map<String, byte[]>> resources) {
    pending.set(resources);
    try {
      io.execute(this::flush);
    } catch (RejectedExecutionException e) {
      // Shutting down: close() flushes what is pending on its own thread.
      log.debug("xDS snapshot write not scheduled: {}", e.toString());
    }
  }

  /** Writes the latest pending content, if any, on the calling thread. */
  void flush() {
    // Taking the content inside the lock keeps writes ordered even on a multi-threaded executor.
    synchronized (writeLock) {
      Map<String, Map<String, byte[]>> resources = pending.getAndSet(null);
      if (resources == null) {
        return;
      }
      try {
        SnapshotFile.write(file, clock.instant(), resources);
        log.debug("Persisted xDS config to {}", file);
      } catch (IOException | RuntimeException e) {
        log.warn("Could not persist xDS config to {}: {}", file, e.toString());
      }
    }
  }
}
