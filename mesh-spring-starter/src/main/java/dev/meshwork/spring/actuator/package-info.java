/** Actuator support: the {@code mesh} health contributor and the {@code mesh} endpoint. */
package dev.meshwork.spring.actuator;
