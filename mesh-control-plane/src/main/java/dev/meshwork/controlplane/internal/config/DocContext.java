package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.Source;
import java.util.List;

/**
 * Identity of the YAML document being validated and the sink for its errors. Kind, name and
 * namespace are filled in as soon as they are read so that every later error names the resource.
 * Used by one thread during one load.
 */
final class DocContext {
  final String file;
  final int document;
  private final List<ConfigError> errors;
  String kind = "";
  String name = "";
  String namespace = "default";

  DocContext(String file, int document, List<ConfigError> errors) {
    this.file = file;
    this.document = document;
    this.errors = errors;
  }

  void error(String path, String message) {
    errors.add(new ConfigError(file, document, kind, qualifiedName(), path, message));
  }

  /** Number of errors recorded so far in the whole load; compare before/after to see if a part failed. */
  int errorCount() {
    return errors.size();
  }

  String qualifiedName() {
    return name.isEmpty() ? "" : namespace + "/" + name;
  }

  Source source() {
    return new Source(file, document, kind, name, namespace);
  }
}
