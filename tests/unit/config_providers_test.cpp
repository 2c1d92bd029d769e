// KIP-297 config providers: ${file:...}, ${directory:...} and ${env:...} resolve from the worker's
// config.providers; an unknown provider, a missing key or a path outside allowed.paths is an error
// naming the configuration key.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config_providers.hpp"
#include "config/worker_config.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class ConfigProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dirTemplate[] = "/tmp/sluice-providers-XXXXXX";
    ASSERT_NE(mkdtemp(dirTemplate), nullptr);
    dir_ = dirTemplate;
    write(dir_ / "db.properties", "# comment\nuser=alice\npassword = s3cret\\\n  -continued\nurl: jdbc:x\\u0041\n");
    fs::create_directory(dir_ / "secrets");
    write(dir_ / "secrets" / "api-key", "key-from-file");
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  ConfigProviders providers(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> worker = {{"config.providers", "file,directory,env"},
                                                 {"config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"},
                                                 {"config.providers.directory.class", "DirectoryConfigProvider"},
                                                 {"config.providers.env.class", "env"}};
    for (auto& [k, v] : extra) worker[k] = v;
    auto p = ConfigProviders::fromWorker(worker);
    EXPECT_TRUE(p.ok()) << p.error();
    return p.ok() ? p.value() : ConfigProviders{};
  }

  fs::path dir_;
};

TEST_F(ConfigProvidersTest, FileDirectoryAndEnvPlaceholdersResolve) {
  ASSERT_EQ(setenv("SLUICE_TEST_TOKEN", "tok-from-env", 1), 0);
  std::string props = (dir_ / "db.properties").string();
  auto resolved = providers().resolve({{"connection.user", "${file:" + props + ":user}"},
                                       {"connection.password", "${file:" + props + ":password}"},
                                       {"connection.url", "${file:" + props + ":url}?user=${file:" + props + ":user}"},
                                       {"api.key", "${directory:" + (dir_ / "secrets").string() + ":api-key}"},
                                       {"token", "${env:SLUICE_TEST_TOKEN}"},
                                       {"plain", "no placeholder ${here}"}});
  ASSERT_TRUE(resolved.ok()) << resolved.error();
  EXPECT_EQ(resolved->at("connection.user"), "alice");
  EXPECT_EQ(resolved->at("connection.password"), "s3cret-continued");
  EXPECT_EQ(resolved->at("connection.url"), "jdbc:xA?user=alice");
  EXPECT_EQ(resolved->at("api.key"), "key-from-file");
  EXPECT_EQ(resolved->at("token"), "tok-from-env");
  EXPECT_EQ(resolved->at("plain"), "no placeholder ${here}");
  unsetenv("SLUICE_TEST_TOKEN");
}

TEST_F(ConfigProvidersTest, UnknownProviderMissingKeyAndMissingFileAreErrorsNamingTheKey) {
  auto p = providers();
  auto unknown = p.resolve({{"connection.password", "${vault:secret/db:password}"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error(),
            "Invalid value ${vault:secret/db:password} for configuration connection.password: unknown config provider 'vault' "
            "(the worker's config.providers: directory, env, file)");

  std::string props = (dir_ / "db.properties").string();
  auto missingKey = p.resolve({{"connection.password", "${file:" + props + ":nope}"}});
  ASSERT_FALSE(missingKey.ok());
  EXPECT_NE(missingKey.error().find("for configuration connection.password: the file " + props + " has no key 'nope'"), std::string::npos)
      << missingKey.error();

  auto missingFile = p.resolve({{"k", "${file:/nonexistent/x.properties:a}"}});
  ASSERT_FALSE(missingFile.ok());
  EXPECT_NE(missingFile.error().find("Could not read properties from file /nonexistent/x.properties"), std::string::npos);

  unsetenv("SLUICE_TEST_UNSET_VARIABLE");
  auto missingEnv = p.resolve({{"k", "${env:SLUICE_TEST_UNSET_VARIABLE}"}});
  ASSERT_FALSE(missingEnv.ok());
  EXPECT_NE(missingEnv.error().find("the environment variable SLUICE_TEST_UNSET_VARIABLE is not set"), std::string::npos);
}

TEST_F(ConfigProvidersTest, DirectoryProviderReadsOnlyFilesDirectlyInTheFolder) {
  write(dir_ / "outside", "not for you");
  auto p = providers();
  auto climbing = p.resolve({{"k", "${directory:" + (dir_ / "secrets").string() + ":../outside}"}});
  ASSERT_FALSE(climbing.ok());
  EXPECT_NE(climbing.error().find("has no file '../outside'"), std::string::npos) << climbing.error();
}

TEST_F(ConfigProvidersTest, AllowedPathsConfineFileAndDirectoryProviders) {
  auto p = providers({{"config.providers.file.param.allowed.paths", (dir_ / "secrets").string()},
                      {"config.providers.directory.param.allowed.paths", (dir_ / "secrets").string()}});
  std::string props = (dir_ / "db.properties").string();
  auto outside = p.resolve({{"k", "${file:" + props + ":user}"}});
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().find("is not allowed to be accessed"), std::string::npos) << outside.error();
  auto dotdot = p.resolve({{"k", "${file:" + (dir_ / "secrets" / ".." / "db.properties").string() + ":user}"}});
  ASSERT_FALSE(dotdot.ok());
  auto inside = p.resolve({{"k", "${directory:" + (dir_ / "secrets").string() + ":api-key}"}});
  ASSERT_TRUE(inside.ok()) << inside.error();
  EXPECT_EQ(inside->at("k"), "key-from-file");
}

TEST_F(ConfigProvidersTest, EnvAllowlistPatternRefusesOtherVariables) {
  ASSERT_EQ(setenv("SLUICE_TEST_OTHER", "x", 1), 0);
  auto p = providers({{"config.providers.env.param.allowlist.pattern", "DB_.*"}});
  auto refused = p.resolve({{"k", "${env:SLUICE_TEST_OTHER}"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("not allowed by allowlist.pattern"), std::string::npos) << refused.error();
  unsetenv("SLUICE_TEST_OTHER");
}

TEST(ConfigProviders, UnknownClassOrMissingClassIsRefused) {
  auto unknownClass = ConfigProviders::fromWorker({{"config.providers", "vault"}, {"config.providers.vault.class", "com.example.Vault"}});
  ASSERT_FALSE(unknownClass.ok());
  EXPECT_NE(unknownClass.error().find("Invalid value com.example.Vault for configuration config.providers.vault.class"), std::string::npos)
      << unknownClass.error();
  auto noClass = ConfigProviders::fromWorker({{"config.providers", "file"}});
  ASSERT_FALSE(noClass.ok());
  EXPECT_NE(noClass.error().find("config.providers.file.class is not set"), std::string::npos) << noClass.error();
}

TEST(ConfigProviders, WorkerSettingsResolveAtLoad) {
  ASSERT_EQ(setenv("SLUICE_TEST_JAAS_PASSWORD", "pw-from-env", 1), 0);
  auto c = WorkerConfig::fromYaml(R"(
config.providers: env
config.providers.env.class: EnvVarConfigProvider
producer.sasl.password: ${env:SLUICE_TEST_JAAS_PASSWORD}
)");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->get("producer.sasl.password"), "pw-from-env");
  EXPECT_EQ(c->get("config.providers.env.class"), "EnvVarConfigProvider");
  auto bad = WorkerConfig::fromYaml("config.providers: env\nconfig.providers.env.class: env\nx: ${env:SLUICE_TEST_UNSET_VARIABLE}\n", "w.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("w.yaml: Invalid value ${env:SLUICE_TEST_UNSET_VARIABLE} for configuration x"), std::string::npos) << bad.error();
  unsetenv("SLUICE_TEST_JAAS_PASSWORD");
}

}  // namespace
}  // namespace sluice
