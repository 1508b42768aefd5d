package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.Source;

/**
 * One problem found while loading configuration. Immutable; strings are never null (absent parts
 * are empty strings).
 *
 * @param file file name as given to the loader ("" when the problem is not about one file)
 * @param document zero-based YAML document index in the file, -1 when not document-specific
 * @param kind resource kind such as {@code VirtualService}, "" when unknown
 * @param name {@code "namespace/name"} of the resource, "" when unknown
 * @param path field path such as {@code spec.http[0].route[1].weight}, "" when none
 * @param message what is wrong, and what was expected
 */
public record ConfigError(String file, int document, String kind, String name, String path, String message) {
  public ConfigError {
    file = file == null ? "" : file;
    kind = kind == null ? "" : kind;
    name = name == null ? "" : name;
    path = path == null ? "" : path;
    message = message == null || message.isBlank() ? "invalid configuration" : message;
  }

  /** An error about a field of an already identified resource. */
  public static ConfigError at(Source source, String path, String message) {
    String qualified = source.name().isEmpty() ? "" : source.namespace() + "/" + source.name();
    return new ConfigError(source.file(), source.document(), source.kind(), qualified, path, message);
  }

  /**
   * One line: {@code reviews.yaml doc 0 VirtualService default/reviews: spec.http[0].timeout: "abc"
   * is not a duration (expected e.g. 1.5s, 500ms)}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file.isEmpty() ? "<config>" : file);
    if (document >= 0) {
      sb.append(" doc ").append(document);
    }
    if (!kind.isEmpty()) {
      sb.append(' ').append(kind);
    }
    if (!name.isEmpty()) {
      sb.append(' ').append(name);
    }
    sb.append(": ");
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    // User text (file names, keys, values) may hold control characters; keep the line a line.
    return Texts.escape(sb.append(message).toString());
  }
}
