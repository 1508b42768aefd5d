package dev.meshwork.core.internal.model.parse;

import java.util.function.Supplier;

/**
 * A field we cannot accept. Thrown deep inside the parsers with the innermost field name; each
 * enclosing parser prefixes its own field as the exception passes through {@link #at}, so the
 * final message reads {@code virtual_hosts[0].routes[2].match.safe_regex.regex "(" is not ...}.
 * Unchecked so helpers stay plain functions; never escapes this package (parsers convert it to
 * {@link dev.meshwork.core.internal.xds.InvalidResourceException}).
 */
final class BadField extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String detail;

  /**
   * @param path the field, relative to the message being parsed (e.g. {@code lb_policy})
   * @param detail what is wrong, read after the path (e.g. {@code CLUSTER_PROVIDED is not supported})
   */
  BadField(String path, String detail) {
    super(null, null, false, false); // a validation result, not a bug: no stack trace needed
    this.path = path;
    this.detail = detail;
  }

  /** Runs {@code body}, prefixing {@code field} to the path of any {@link BadField} it throws. */
  static <T> T at(String field, Supplier<T> body) {
    try {
      return body.get();
    } catch (BadField e) {
      throw e.under(field);
    }
  }

  /** {@link #at} for bodies that return nothing. */
  static void check(String field, Runnable body) {
    at(field, () -> {
      body.run();
      return null;
    });
  }

  BadField under(String parent) {
    if (path.isEmpty()) {
      return new BadField(parent, detail);
    }
    return new BadField(path.startsWith("[") ? parent + path : parent + "." + path, detail);
  }

  /** The NACK message: {@code <kind> <name>: <path> <detail>}. */
  String render(String kind, String name) {
    return kind + " " + name + ": " + (path.isEmpty() ? detail : path + " " + detail);
  }

  @Override
  public String getMessage() {
    return path + " " + detail;
  }
}
