// The sandbox: the filter kills a child that tries to open files, exec or
// use the network; limits and bounds hold; plumbing carries bytes both ways.
#include "sandbox/sandbox.h"

#include <gtest/gtest.h>

#include <csignal>

#include "test_util.h"

namespace safemodel::sandbox {
namespace {

std::string Helper() {
  return std::string(SAFEMODEL_BINARY_DIR) + "/safemodel-child";
}

ChildResult RunOk(const std::vector<std::string>& args, const std::string& input, SandboxLimits limits = {}) {
  auto r = RunChild(Helper(), args, std::as_bytes(std::span(input)), limits);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ChildResult{};
}

TEST(Sandbox, EchoCarriesBytesBothWays) {
  const std::string input = testing::RandomBytes(3 << 20, 9);  // more than a pipe buffer
  ChildResult r = RunOk({"echo"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, input);
}

TEST(Sandbox, FilterKillsOpenExecSocketAndFork) {
  for (std::string call : {"open", "execve", "socket", "fork"}) {
    ChildResult r = RunOk({"selftest", call}, "");
    EXPECT_EQ(r.signal, SIGSYS) << call << ": exit " << r.exit_code << " out " << r.out << " err " << r.err;
    EXPECT_EQ(r.out.find("survived"), std::string::npos) << call;
  }
}

TEST(Sandbox, SameCallsWithoutTheFilterSurvive) {
  // Control: without the filter the child survives each call, so the kills
  // above are the filter's doing.
  for (std::string call : {"open", "socket"}) {
    ChildResult r = RunOk({"control", call}, "");
    EXPECT_EQ(r.signal, 0) << call;
    EXPECT_NE(r.out.find("survived " + call), std::string::npos) << call << ": " << r.out << r.err;
  }
}

TEST(Sandbox, WallClockDeadlineKillsTheChild) {
  SandboxLimits limits;
  limits.wall_seconds = 1;
  // `echo` blocks reading stdin forever if we never close it: feed nothing
  // but use a helper that waits: sleep via a shell is not allowed in the
  // child, so run /bin/sleep directly as the "helper".
  auto r = RunChild("/bin/sleep", {"30"}, {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_NE(r.status().message().find("wall_seconds"), std::string::npos);
}

TEST(Sandbox, OutputBoundKillsTheChild) {
  SandboxLimits limits;
  limits.max_output = 1000;
  const std::string input(5000, 'x');
  auto r = RunChild(Helper(), {"echo"}, std::as_bytes(std::span(input)), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_NE(r.status().message().find("max_output"), std::string::npos);
}

TEST(Sandbox, AddressSpaceLimitStopsHugeAllocations) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "RLIMIT_AS is not applied under AddressSanitizer (its shadow memory needs terabytes)";
#endif
  SandboxLimits limits;
  limits.address_space = 64 << 20;
  // 200 MiB of input cannot be held in a 64 MiB address space.
  const std::string input(200 << 20, 'a');
  auto r = RunChild(Helper(), {"echo"}, std::as_bytes(std::span(input)), limits);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->exit_code, 0);
  EXPECT_LT(r->out.size(), input.size());
}

TEST(Sandbox, MissingHelperIsAnIoError) {
  auto r = RunChild("/nonexistent/safemodel-child", {"echo"}, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIoError);
}

}  // namespace
}  // namespace safemodel::sandbox
