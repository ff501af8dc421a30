// This file is part of the tf-provider project
//
// Copyright (C) ANEO, 2024-2024. All rights reserved.
//
// Licensed under the Apache License, Version 2.0 (the "License")
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! [`ClientCapabilities`] and [`DeferredReason`] module

use crate::tfplugin6;

/// What the client (Terraform or OpenTofu) says it can handle
///
/// Sent with the requests that may use a feature newer than the protocol's major version
/// (protocol 6.7 and later). A client too old to send them has none of them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct ClientCapabilities {
    /// The client can handle a deferred answer (see [`DeferredReason`])
    pub deferral_allowed: bool,
    /// The client can handle write-only attributes of managed resources
    /// (see [`Attribute::write_only`](crate::schema::Attribute::write_only))
    pub write_only_attributes_allowed: bool,
}

impl From<Option<tfplugin6::ClientCapabilities>> for ClientCapabilities {
    fn from(value: Option<tfplugin6::ClientCapabilities>) -> Self {
        value
            .map(|c| Self {
                deferral_allowed: c.deferral_allowed,
                write_only_attributes_allowed: c.write_only_attributes_allowed,
            })
            .unwrap_or_default()
    }
}

/// Why the provider defers an answer to a later run
///
/// Only a client whose [`ClientCapabilities::deferral_allowed`] is set may be answered
/// with a deferral.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DeferredReason {
    /// Part of the configuration is unknown, and the real values must be known first
    ResourceConfigUnknown,
    /// Part of the provider configuration is unknown (known only after an apply)
    ProviderConfigUnknown,
    /// A hard dependency has not been satisfied
    AbsentPrereq,
}

impl From<DeferredReason> for tfplugin6::Deferred {
    fn from(value: DeferredReason) -> Self {
        use tfplugin6::deferred::Reason;
        let reason = match value {
            DeferredReason::ResourceConfigUnknown => Reason::ResourceConfigUnknown,
            DeferredReason::ProviderConfigUnknown => Reason::ProviderConfigUnknown,
            DeferredReason::AbsentPrereq => Reason::AbsentPrereq,
        };
        Self {
            reason: reason as i32,
        }
    }
}
