import Contracts
import Testing

@testable import CommandService

/// Who hears of a new head: the relay of every one, the policy reactor only of those that may have
/// moved past one of its triggers — so a group of allocations does not send it to read the log.
@Suite struct SequencerHeadsTests {
    let triggers = Set(Policies.triggers)

    @Test func aListenerForEveryHeadHearsOfEveryOne() {
        #expect(Sequencer.tells(nil, from: 10, to: 12, ownTypes: [.allocated, .allocated]))
        #expect(Sequencer.tells(nil, from: 10, to: 12, ownTypes: nil))
    }

    @Test func aGroupWithOnlyItsOwnEventsOfOtherTypesIsNotTold() {
        #expect(!Sequencer.tells(triggers, from: 10, to: 12, ownTypes: [.allocated, .outOfStock]))
    }

    @Test func aGroupWithAWantedTypeIsTold() {
        #expect(Sequencer.tells(triggers, from: 10, to: 12, ownTypes: [.allocated, .purchaseOrderApproved]))
    }

    @Test func positionsBesideTheUnitsOwnMayHoldAnythingSoTheyAreTold() {
        // The flush numbered events committed earlier (a lone command's, say an approval) first.
        #expect(Sequencer.tells(triggers, from: 10, to: 15, ownTypes: [.allocated, .allocated]))
        // Another group's numbering was announced first: the head known here is past this one's.
        #expect(Sequencer.tells(triggers, from: 20, to: 12, ownTypes: [.allocated, .allocated]))
    }

    @Test func aRoundWhichDoesNotKnowWhatItNumberedIsTold() {
        #expect(Sequencer.tells(triggers, from: 10, to: 11, ownTypes: nil))
    }
}
