package dev.meshwork.controlplane.internal.model;

import java.time.Duration;

/**
 * Meshwork's local rate limit of a VirtualService (annotation {@code ratelimit.meshwork.dev/local}):
 * an Envoy token bucket per route, holding at most {@code maxTokens}, refilled with
 * {@code tokensPerFill} every {@code fillInterval}; each request takes a token or is refused (429).
 *
 * @param tokensPerFill >= 1
 * @param fillInterval >= 50ms (Envoy's minimum), millisecond precision
 * @param maxTokens >= tokensPerFill; equal to it unless a burst was given
 */
public record LocalRateLimit(long tokensPerFill, Duration fillInterval, long maxTokens) {}
