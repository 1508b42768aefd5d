package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryFaultParserTest {
  private static LoadResult vs(String http) {
    return TestConfigs.reviewsVirtualService(http);
  }

  @Test
  void retries_unknownConditionAndPolicyWithZeroAttempts_areErrors() {
    LoadResult r = vs("""
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 0, retryOn: "5xx,sometimes,999", retryRemoteLocalities: true}
        """);
    assertError(r, "spec.http[0].retries.retryOn: \"sometimes\" is not a retry condition");
    assertError(r, "spec.http[0].retries.retryOn: status 999 (expected: 100..599)");
    assertError(r, "spec.http[0].retries.retryRemoteLocalities: not supported by Meshwork yet");
    assertError(r, "spec.http[0].retries.attempts: retry policy configured while attempts is 0");
  }

  @Test
  void fault_abortNeedsExactlyOneStatus_andUnknownGrpcCodesAreErrors() {
    LoadResult r = vs("""
        - route: [{destination: {host: reviews}}]
          fault:
            abort: {httpStatus: 503, grpcStatus: UNAVAILABLE}
        - route: [{destination: {host: reviews}}]
          fault:
            abort: {grpcStatus: unavailable}
            delay: {exponentialDelay: 1s}
        - route: [{destination: {host: reviews}}]
          fault: {abort: {httpStatus: 700, percentage: {value: 101}}}
        """);
    assertError(r, "spec.http[0].fault.abort: expected exactly one of httpStatus, grpcStatus");
    assertError(r, "spec.http[1].fault.abort.grpcStatus: \"unavailable\" is not one of OK, CANCELLED");
    assertError(r, "spec.http[1].fault.delay.exponentialDelay: not supported by Meshwork yet");
    assertError(r, "spec.http[1].fault.delay.fixedDelay: is required");
    assertError(r, "spec.http[2].fault.abort.httpStatus: 700 (expected: 200..599)");
    assertError(r, "spec.http[2].fault.abort.percentage.value: 101 (expected: 0.0..100.0)");
  }

  @Test
  void fault_withoutPercentage_faultsNoRequest_asIstioDoes_andLegacyPercentIsMapped() {
    HttpRoute route = assertOk(vs("""
        - route: [{destination: {host: reviews}}]
          fault:
            delay: {fixedDelay: 5s, percent: 20}
            abort: {httpStatus: 503}
        """)).virtualServices().get(0).http().get(0);
    assertEquals(new Fault(new Fault.Delay(Duration.ofSeconds(5), 20), new Fault.Abort(503, null, 0)), route.fault());
  }
}
