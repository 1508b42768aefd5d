package dev.meshwork.controlplane.internal.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The join tokens the CA accepts. Lookup compares SHA-256 digests of every configured token with
 * {@link MessageDigest#isEqual} and never stops early, so its timing says nothing about how much
 * of a token was right. Immutable, thread-safe.
 */
final class JoinTokens {
  private static final Set<String> FIELDS = Set.of("token", "namespace", "serviceAccount");

  private final List<JoinToken> tokens;
  private final List<byte[]> digests;

  JoinTokens(List<JoinToken> tokens) {
    this.tokens = List.copyOf(tokens);
    this.digests = this.tokens.stream().map(t -> sha256(t.token())).toList();
    for (int i = 0; i < digests.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (MessageDigest.isEqual(digests.get(i), digests.get(j))) {
          throw new IllegalArgumentException("join tokens: " + tokens.get(i) + " has the same token as "
              + tokens.get(j) + " (each token must name one identity)");
        }
      }
    }
  }

  int size() {
    return tokens.size();
  }

  /** The entry whose token equals {@code presented}, or null. */
  JoinToken find(String presented) {
    byte[] digest = sha256(presented);
    JoinToken found = null;
    for (int i = 0; i < tokens.size(); i++) {
      if (MessageDigest.isEqual(digest, digests.get(i))) {
        found = tokens.get(i);
      }
    }
    return found;
  }

  /**
   * Reads a YAML list of {@code {token, namespace, serviceAccount}} entries. Errors name the file
   * and the entry's index, never a token.
   */
  static List<JoinToken> read(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("join tokens file " + file + ": not readable YAML (" + e.getClass().getSimpleName() + ")", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    if (!root.isArray()) {
      throw new IOException("join tokens file " + file + ": expected a YAML list of {token, namespace, serviceAccount}");
    }
    List<JoinToken> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      String where = "join tokens file " + file + ": entry " + i;
      if (!entry.isObject()) {
        throw new IOException(where + ": expected a mapping with token, namespace, serviceAccount");
      }
      for (Iterator<String> names = entry.fieldNames(); names.hasNext();) {
        String name = names.next();
        if (!FIELDS.contains(name)) {
          throw new IOException(where + ": unknown field '" + name + "' (known: token, namespace, serviceAccount)");
        }
      }
      try {
        out.add(new JoinToken(text(entry, "token", where), text(entry, "namespace", where),
            text(entry, "serviceAccount", where)));
      } catch (IllegalArgumentException e) {
        throw new IOException(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static String text(JsonNode entry, String field, String where) throws IOException {
    JsonNode v = entry.get(field);
    if (v == null || !v.isValueNode() || v.isNull()) {
      throw new IOException(where + ": " + field + " is missing");
    }
    return v.asText();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
