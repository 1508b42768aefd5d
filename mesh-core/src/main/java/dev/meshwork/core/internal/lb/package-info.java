/**
 * Endpoint picking: one {@link dev.meshwork.core.internal.lb.Picker} per load-balancing policy,
 * {@link dev.meshwork.core.internal.lb.PriorityPicker} for EDS priorities and locality failover,
 * {@link dev.meshwork.core.internal.lb.HashKeys} for request hashes. Pickers are built once per
 * cluster or endpoints update and pick lock-free from any thread; randomness is injected.
 */
package dev.meshwork.core.internal.lb;
