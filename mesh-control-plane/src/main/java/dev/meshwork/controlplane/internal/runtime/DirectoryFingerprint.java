package dev.meshwork.controlplane.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Names, sizes and modification times of a directory's files, to notice changes by polling. */
public final class DirectoryFingerprint {
  private final Path dir;
  private String last;

  public DirectoryFingerprint(Path dir) {
    this.dir = dir;
    this.last = compute();
  }

  /** True when the listing differs from the previous call's. Not thread-safe (one poller). */
  public boolean changed() {
    String now = compute();
    boolean changed = !now.equals(last);
    last = now;
    return changed;
  }

  private String compute() {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      files.sorted().forEach(p -> {
        try {
          sb.append(p.getFileName()).append('|').append(Files.size(p)).append('|')
              .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
        } catch (IOException e) {
          sb.append(p.getFileName()).append("|gone\n");
        }
      });
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
    return sb.toString();
  }
}
