/** The starter's auto-configuration classes and {@code mesh.*} properties. */
package dev.meshwork.spring.autoconfigure;
