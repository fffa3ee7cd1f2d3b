package io.connscope.agent.config;

/** One setting's definition: its name, its default and what its value must be. */
final class Setting {
    final String key;
    final String defaultValue;
    final SettingKind kind;

    Setting(String key, String defaultValue, SettingKind kind) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.kind = kind;
    }
}
