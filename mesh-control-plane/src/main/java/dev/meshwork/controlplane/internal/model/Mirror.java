package dev.meshwork.controlplane.internal.model;

/**
 * One Istio request mirror: {@code mirror} with {@code mirrorPercentage}, or an entry of
 * {@code mirrors}. Mirrored requests are copies sent fire-and-forget; their answers are ignored.
 *
 * @param destination where copies go; its weight is unused (always 100)
 * @param percentage share of requests mirrored, 0..100 (Istio's {@code Percent}); 100 when the
 *     YAML gives none, 0 mirrors nothing
 */
public record Mirror(Destination destination, double percentage) {}
