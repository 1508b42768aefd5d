package dev.meshwork.controlplane.internal.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinTokensTest {
  @TempDir Path tmp;

  @Test
  void readsEntries_andFindsByToken() throws Exception {
    Path f = Files.writeString(tmp.resolve("tokens.yaml"), """
        - token: 8f2c1e
          namespace: default
          serviceAccount: reviews
        - {token: "a-b-c", namespace: shop, serviceAccount: ratings.v2}
        """);
    JoinTokens tokens = new JoinTokens(JoinTokens.read(f));
    assertEquals(new JoinToken("a-b-c", "shop", "ratings.v2"), tokens.find("a-b-c"));
    assertEquals("spiffe://td/ns/default/sa/reviews", tokens.find("8f2c1e").spiffeId("td"));
    assertNull(tokens.find("8f2c1"));
    assertNull(tokens.find(""));
    assertFalse(tokens.find("8f2c1e").toString().contains("8f2c1e"), "toString hides the token");
  }

  @Test
  void errorsNameFileAndEntry_neverTheToken() throws Exception {
    assertEquals("join tokens file F: entry 0: unknown field 'sa' (known: token, namespace, serviceAccount)",
        error("- {token: sekrit, namespace: default, sa: reviews}"));
    assertEquals("join tokens file F: entry 1: serviceAccount is missing",
        error("- {token: a, namespace: n, serviceAccount: s}\n- {token: sekrit, namespace: default}"));
    assertEquals("join tokens file F: entry 0: namespace: \"Default\" (expected: lowercase letters, digits, '-' and '.',"
        + " starting and ending with a letter or digit)", error("- {token: sekrit, namespace: Default, serviceAccount: s}"));
    assertEquals("join tokens file F: entry 0: token: empty or not printable ASCII without spaces",
        error("- {token: 'sek rit', namespace: d, serviceAccount: s}"));
    assertEquals("join tokens file F: expected a YAML list of {token, namespace, serviceAccount}", error("token: sekrit"));
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> new JoinTokens(List.of(
        new JoinToken("sekrit", "a", "b"), new JoinToken("sekrit", "c", "d"))));
    assertEquals("join tokens: JoinToken[ns/c/sa/d] has the same token as JoinToken[ns/a/sa/b] (each token must name"
        + " one identity)", dup.getMessage());
  }

  private String error(String yaml) throws IOException {
    Path f = Files.writeString(tmp.resolve("F"), yaml);
    String message = assertThrows(IOException.class, () -> JoinTokens.read(f)).getMessage();
    assertFalse(message.contains("sekrit"), message);
    return message.replace(f.toString(), "F");
  }
}
