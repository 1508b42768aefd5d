package dev.meshwork.controlplane.internal.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when anything in a directory changes (create, modify, delete, rename in). Runs one
 * named thread; the callback must be cheap (it only schedules a reload). Editors that replace a
 * file by rename are covered because the directory, not the file, is watched.
 */
public final class DirectoryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);

  private final WatchService service;
  private final Thread thread;

  public DirectoryWatcher(Path dir, Runnable onChange) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(() -> loop(onChange), "meshwork-cp-config-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Runnable onChange) {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // contents don't matter: any change reloads the whole directory
        onChange.run();
        if (!key.reset()) {
          log.warn("config directory is no longer watchable (deleted or replaced?); changes are now seen by polling only");
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("config directory watcher stopped", e);
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing watch service", e);
    }
    thread.interrupt();
  }
}
