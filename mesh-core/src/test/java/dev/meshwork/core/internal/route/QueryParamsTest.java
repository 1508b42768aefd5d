package dev.meshwork.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryParamsTest {
  @Test
  void pairsSplitOnFirstEquals_emptySegmentsSkipped() {
    QueryParams q = QueryParams.parse("a=b=c&&flag&x=");
    assertEquals("b=c", q.first("a"));
    assertEquals("", q.first("flag"));
    assertEquals("", q.first("x"));
    assertNull(q.first("b"));
  }

  @Test
  void percentDecoding_namesAndValues_utf8_plusKept() {
    QueryParams q = QueryParams.parse("na%6De=caf%C3%A9&s=a+b&bad=%4&worse=%G1");
    assertEquals("café", q.first("name"));
    assertEquals("a+b", q.first("s"));
    assertEquals("%4", q.first("bad"));
    assertEquals("%G1", q.first("worse"));
  }

  @Test
  void nullOrEmptyQuery_hasNoParameters() {
    assertNull(QueryParams.parse(null).first("a"));
    assertNull(QueryParams.parse("").first("a"));
  }
}
