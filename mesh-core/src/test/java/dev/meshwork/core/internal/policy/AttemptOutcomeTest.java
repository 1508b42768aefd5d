package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AttemptOutcomeTest {
  @Test
  void localFailures_are5xxAndGatewayErrors_asEnvoyMapsThem() {
    for (AttemptOutcome o : new AttemptOutcome[] {AttemptOutcome.connectFailure(), AttemptOutcome.reset(),
        AttemptOutcome.refusedStream()}) {
      assertEquals(503, o.outlierStatus(), o.toString());
      assertTrue(o.is5xx() && o.isGatewayError(), o.toString());
    }
    assertEquals(504, AttemptOutcome.timeout().outlierStatus());
    assertTrue(AttemptOutcome.timeout().isGatewayError());
  }

  @Test
  void httpStatuses_classifiedBy5xxAndGatewayRanges() {
    assertTrue(AttemptOutcome.http(500).is5xx());
    assertFalse(AttemptOutcome.http(500).isGatewayError());
    assertTrue(AttemptOutcome.http(502).isGatewayError());
    assertTrue(AttemptOutcome.http(504).isGatewayError());
    assertFalse(AttemptOutcome.http(505).isGatewayError());
    assertFalse(AttemptOutcome.http(404).is5xx());
    assertFalse(AttemptOutcome.http(200).is5xx());
  }

  @Test
  void grpcCodes_mappedToHttpLikeEnvoyForOutlierDetection() {
    assertEquals(200, AttemptOutcome.grpc(14).httpStatus(), "gRPC errors travel in a 200");
    assertEquals(503, AttemptOutcome.grpc(14).outlierStatus());
    assertTrue(AttemptOutcome.grpc(14).isGatewayError());
    assertTrue(AttemptOutcome.grpc(4).isGatewayError(), "DEADLINE_EXCEEDED -> 504");
    assertTrue(AttemptOutcome.grpc(13).is5xx());
    assertFalse(AttemptOutcome.grpc(13).isGatewayError(), "INTERNAL -> 500");
    assertTrue(AttemptOutcome.grpc(12).is5xx(), "UNIMPLEMENTED -> 501");
    assertFalse(AttemptOutcome.grpc(5).is5xx(), "NOT_FOUND -> 404");
    assertFalse(AttemptOutcome.grpc(8).is5xx(), "RESOURCE_EXHAUSTED -> 429");
    assertEquals(499, AttemptOutcome.grpc(1).outlierStatus());
    assertEquals(2, AttemptOutcome.grpc(99).grpcStatus(), "unknown codes are UNKNOWN");
  }

  @Test
  void factories_returnSharedInstances() {
    assertSame(AttemptOutcome.http(503), AttemptOutcome.http(503));
    assertSame(AttemptOutcome.grpc(14), AttemptOutcome.grpc(14));
    assertSame(AttemptOutcome.reset(), AttemptOutcome.reset());
  }

  @Test
  void invalidValues_rejectedWithFieldAndExpectation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttemptOutcome.http(600));
    assertEquals("status: 600 (expected: 100..599)", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new AttemptOutcome(AttemptOutcome.Kind.RESET, 503, -1));
  }

  @Test
  void onlyConnectFailureAndRefusedStream_areNeverProcessed() {
    assertTrue(AttemptOutcome.connectFailure().neverProcessed());
    assertTrue(AttemptOutcome.refusedStream().neverProcessed());
    assertFalse(AttemptOutcome.reset().neverProcessed());
    assertFalse(AttemptOutcome.timeout().neverProcessed());
    assertFalse(AttemptOutcome.http(503).neverProcessed());
  }
}
